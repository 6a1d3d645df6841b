import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import RESP
import RedisClient
import ServiceLifecycle
import TestSupport
import Testing

@testable import JobEngine

enum TestEnv {
    /// The shared test server, or the test cluster with `BLUEPRINT_TEST_REDIS=cluster` (scripts/test.sh
    /// runs this whole suite a second time that way).
    static var redis: RedisConfiguration {
        TestRedisCluster.sharedSuiteConfiguration ?? TestRedis.configuration
    }

    static let logger: Logger = {
        var logger = Logger(label: "engine-test")
        logger.logLevel = ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .critical
        return logger
    }()

    /// A queue name no other test uses.
    static func queue(_ name: String = #function) -> QueueKeys {
        let base = name.prefix(while: { $0 != "(" })
        return QueueKeys(queue: "t_\(base)_\(UUID().uuidString.prefix(8))", group: "g")
    }

    /// Engine settings with short intervals so tests finish quickly.
    static func engineConfiguration(_ keys: QueueKeys, concurrency: Int = 16, worker: String = "w-\(UUID().uuidString.prefix(6))") -> EngineConfiguration {
        var configuration = EngineConfiguration(workerID: worker, queues: [QueueConfiguration(keys: keys, concurrency: concurrency)])
        configuration.blockTime = .milliseconds(100)
        configuration.minIdle = .milliseconds(600)
        configuration.heartbeatInterval = .milliseconds(150)
        configuration.reclaimInterval = .milliseconds(100)
        configuration.schedulerInterval = .milliseconds(20)
        configuration.shutdownGracePeriod = .seconds(5)
        return configuration
    }
}

/// Runs a Redis client (on the shared test server) for the duration of `body`.
func withTestClient<T: Sendable>(_ body: (RedisClient) async throws -> T) async throws -> T {
    try await withClient(TestEnv.redis, body)
}

/// A running engine; ``stop()`` drains it and waits for `run()` to return.
final class RunningEngine: Sendable {
    let engine: JobEngine
    private let task: Task<Void, Never>

    init(configuration: EngineConfiguration, registry: JobRegistry, client: RedisClient) {
        let engine = JobEngine(configuration: configuration, registry: registry, client: client, logger: TestEnv.logger)
        self.engine = engine
        self.task = Task { try? await engine.run() }
    }

    func stop() async {
        self.engine.stop()
        await self.task.value
    }
}

/// Reads every outcome of a queue: job_id -> fields.
func outcomes(_ client: RedisClient, _ keys: QueueKeys) async throws -> [RedisStreamEntry] {
    try await client.xrange(keys.results)
}

extension RedisStreamEntry {
    subscript(_ field: String) -> String? { self.fields[field] }
}

/// A thread-safe boolean for tests.
final class LockedFlag: Sendable {
    private let value = NIOLockedValueBox(false)
    func set() { self.value.withLockedValue { $0 = true } }
    var isSet: Bool { self.value.withLockedValue { $0 } }
}
