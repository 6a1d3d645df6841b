import Foundation
import JobEngine
import Logging
import RedisClient
import TestSupport
import Testing

enum VerificationTestEnv {
    static let logger: Logger = {
        var logger = Logger(label: "verification-test")
        logger.logLevel =
            ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .critical
        return logger
    }()

    static var redisConfigured: Bool { ProcessInfo.processInfo.environment["REDIS_PORT"] != nil }

    static func queue() -> String { "t_verify_\(UUID().uuidString.prefix(8))" }

    /// A GitHub login no other test run uses (so the shared Redis holds no cached answer for it).
    static func uniqueLogin(_ prefix: String = "u") -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}

/// An engine consuming one private queue with `registry`, stopped at the end of `body`.
func withEngine<T: Sendable>(
    queue: String, registry: JobRegistry, client: RedisClient, logger: Logger = VerificationTestEnv.logger,
    _ body: () async throws -> T
) async throws -> T {
    var configuration = EngineConfiguration(
        workerID: "w-\(UUID().uuidString.prefix(6))",
        queues: [QueueConfiguration(keys: QueueKeys(queue: queue, group: "g"), concurrency: 16)])
    configuration.blockTime = .milliseconds(100)
    configuration.minIdle = .milliseconds(2000)
    configuration.heartbeatInterval = .milliseconds(300)
    configuration.reclaimInterval = .milliseconds(200)
    configuration.schedulerInterval = .milliseconds(20)
    configuration.shutdownGracePeriod = .seconds(5)
    let engine = JobEngine(configuration: configuration, registry: registry, client: client, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await engine.run() }
        let result: Result<T, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        engine.stop()
        try await group.waitForAll()
        return try result.get()
    }
}

/// The outcome entries of `queue`, by job id.
func outcomes(_ client: RedisClient, queue: String) async throws -> [String: [String: String]] {
    let entries = try await client.xrange(QueueKeys(queue: queue, group: "g").results)
    var result: [String: [String: String]] = [:]
    for entry in entries { result[entry.fields["job_id"] ?? entry.id] = entry.fields }
    return result
}

/// Deletes every key of a test queue.
func deleteQueue(_ client: RedisClient, _ queue: String) async {
    let keys = QueueKeys(queue: queue, group: "g")
    for key in [
        keys.stream, keys.delayed, keys.dead, keys.results, keys.idempotency, keys.idempotencyIndex, keys.paused,
    ] {
        _ = try? await client.send("DEL", key)
    }
}
