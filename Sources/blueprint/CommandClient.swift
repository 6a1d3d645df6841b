import ArgumentParser
import Foundation
import JobEngine
import Logging
import Observability
import RedisClient
import WorkerApp
import WorkerServer

/// Runs `body` with a connected client (for one-shot commands), mapping failures to exit code 1.
func withCommandClient<T: Sendable>(_ body: @escaping @Sendable (RedisClient) async throws -> T) async throws -> T {
    let configured = try await loadSettings(environment: await loadSecrets(catalog: .standard, redactor: PIIRedactor()))
    return try await withRunningClient(configured.core.redis, body)
}

/// Runs `body` with a connected client and the settings (for one-shot commands that need both).
func withConfiguredClient<T: Sendable>(_ body: @escaping @Sendable (RedisClient, ConfiguredSettings) async throws -> T) async throws -> T {
    let configured = try await loadSettings(environment: await loadSecrets(catalog: .standard, redactor: PIIRedactor()))
    return try await withRunningClient(configured.core.redis) { client in try await body(client, configured) }
}

/// The dead-letter stores of every partition of `queue` (`BLUEPRINT_PARTITIONS`), partition 0 first.
func deadLetterStores(_ queue: String, client: RedisClient, configured: ConfiguredSettings) -> [DeadLetterStore] {
    configured.core.partitions.keys(of: ModuleCatalog.standard.keys(for: queue)).map { DeadLetterStore(keys: $0, client: client) }
}

/// Runs `body` with a queue inspector over a connected client (for operator commands).
func withInspector<T: Sendable>(_ body: @escaping @Sendable (QueueInspector, ConfiguredSettings) async throws -> T) async throws -> T {
    let configured = try await loadSettings(environment: await loadSecrets(catalog: .standard, redactor: PIIRedactor()))
    var redis = configured.core.redis
    redis.connectTimeout = .seconds(3)
    return try await withRunningClient(redis) { client in
        try await body(QueueInspector(queues: configured.knownQueues, client: client, partitions: configured.core.partitions), configured)
    }
}

/// The keys of a queue operator commands may touch; a usage error (64) for others.
func knownQueue(_ name: String, in inspector: QueueInspector) throws -> QueueKeys {
    guard let keys = inspector.keys(for: name) else {
        FileHandle.standardError.write(
            Data(
                "error: unknown queue '\(name)'; known: \(inspector.queues.map(\.stream).joined(separator: ", ")) (add others with BLUEPRINT_QUEUES)\n"
                    .utf8))
        throw ExitCode(ExitCodes.usage)
    }
    return keys
}

/// Runs a one-connection client as a child task for the duration of `body`.
private func withRunningClient<T: Sendable>(
    _ configuration: RedisConfiguration, _ body: @escaping @Sendable (RedisClient) async throws -> T
) async throws -> T {
    var logger = Logger(label: "blueprint")
    logger.logLevel = .critical
    var configuration = configuration
    configuration.poolSize = 1
    let client = RedisClient(configuration: configuration, logger: logger)
    do {
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await client.run()
                return nil
            }
            group.addTask { try await body(client) }
            while let next = try await group.next() {
                if let result = next {
                    group.cancelAll()
                    return result
                }
            }
            throw CancellationError()
        }
    } catch let error as RedisClientError {
        FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
        throw ExitCode(ExitCodes.failure)
    } catch let error as RedisServerError {
        FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
        throw ExitCode(ExitCodes.failure)
    }
}
