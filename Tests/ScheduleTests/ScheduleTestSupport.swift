import Foundation
import Logging
import RESP
import RedisClient
import TestSupport

@testable import JobEngine

enum TestEnv {
    static let logger: Logger = {
        var logger = Logger(label: "schedule-test")
        logger.logLevel =
            ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .critical
        return logger
    }()

    /// A queue name no other test uses.
    static func queue(_ name: String = #function) -> QueueKeys {
        let base = name.prefix(while: { $0 != "(" })
        return QueueKeys(queue: "t_sched_\(base)_\(UUID().uuidString.prefix(8))", group: "g")
    }

    /// Engine settings with short intervals, on the injected wall clock `wall`.
    static func engineConfiguration(_ keys: QueueKeys, wall: WallClock, concurrency: Int = 4) -> EngineConfiguration {
        var configuration = EngineConfiguration(
            workerID: "w-\(UUID().uuidString.prefix(6))", queues: [QueueConfiguration(keys: keys, concurrency: concurrency)])
        configuration.blockTime = .milliseconds(100)
        configuration.schedulerInterval = .milliseconds(20)
        configuration.shutdownGracePeriod = .seconds(5)
        configuration.now = { wall.now }
        return configuration
    }
}

/// A wall clock (ms since the epoch) that moves only when a test sets it.
final class WallClock: Sendable {
    private let box: LockedBox<Int64>
    init(_ start: Int64) { self.box = LockedBox(start) }
    var now: Int64 { self.box.current }
    func set(_ value: Int64) { self.box.withLock { $0 = value } }
}

/// Runs an engine for the duration of `body`, then drains it.
func withEngine<T: Sendable>(
    _ configuration: EngineConfiguration, _ registry: JobRegistry, _ client: RedisClient,
    _ body: (JobEngine) async throws -> T
) async throws -> T {
    let engine = JobEngine(configuration: configuration, registry: registry, client: client, logger: TestEnv.logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await engine.run() }
        do {
            let result = try await body(engine)
            engine.stop()
            try await group.waitForAll()
            return result
        } catch {
            engine.stop()
            try? await group.waitForAll()
            throw error
        }
    }
}

/// Deletes every key of a test queue (never FLUSHDB).
func deleteQueue(_ client: RedisClient, _ keys: QueueKeys, extra: [String] = []) async {
    _ = try? await client.send(
        RESPCommand(
            "DEL",
            [keys.stream, keys.delayed, keys.dead, keys.results, keys.idempotency, keys.idempotencyIndex] + extra))
}

extension RedisStreamEntry {
    subscript(_ field: String) -> String? { self.fields[field] }
}

/// Arguments of the test job: none.
struct NoArguments: Codable, Sendable {}
