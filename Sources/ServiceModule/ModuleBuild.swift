import JobEngine
import ServiceLifecycle

/// What a module built for this configuration: handlers, long-running services, and why the
/// job types it could not build are unavailable.
public struct ModuleBuild: Sendable {
    /// Handlers of the job types it can run.
    public var registry = JobRegistry()
    /// Services it needs running (connection pools, reloaders), started before the engine and
    /// stopped after it.
    public var services: [any Service] = []
    /// Declared job types it cannot run in this configuration, with the reason a job of that type
    /// gets (e.g. `not configured: set IDENTITY_PASS_ENCRYPTION_KEY, ...`).
    public var unavailable: [String: String] = [:]
    /// Called once the worker has stopped (close transports, flush files).
    public var shutdown: (@Sendable () async -> Void)?

    /// An empty build.
    public init() {}

    /// Adds a handler built from a definition.
    public mutating func register<Arguments, Result: Encodable & Sendable>(
        _ definition: JobDefinition<Arguments>,
        queue: String,
        handler: @escaping @Sendable (Arguments, JobContext) async throws -> Result
    ) {
        self.registry.register(definition, queues: [queue], handler: handler)
    }
}
