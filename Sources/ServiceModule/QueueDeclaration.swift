import JobEngine

/// A queue (stream) a module's jobs arrive on, with its consumer group and default concurrency.
public struct QueueDeclaration: Sendable, Hashable {
    /// The stream key, e.g. `email_queue`.
    public let name: String
    /// The consumer group, e.g. `email_workers`.
    public let group: String
    /// Jobs in flight at once per process unless `BLUEPRINT_CONCURRENCY` says otherwise
    /// (high for I/O-bound work, about the core count for CPU-bound work).
    public let defaultConcurrency: Int
    /// One line for the docs.
    public let summary: String
    /// Its jobs use the CPU or block (images, OCR): they run on the cooperative pool, never on an
    /// event loop of the Redis client.
    public let cpuBound: Bool

    /// Declares a queue.
    public init(_ name: String, group: String, defaultConcurrency: Int, cpuBound: Bool = false, summary: String) {
        self.name = name
        self.group = group
        self.defaultConcurrency = defaultConcurrency
        self.cpuBound = cpuBound
        self.summary = summary
    }

    /// Its Redis keys.
    public var keys: QueueKeys { QueueKeys(queue: self.name, group: self.group) }
}
