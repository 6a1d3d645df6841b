import Foundation
import JobEngine
import Logging
import RedisClient
import TestSupport
import Testing

enum TestEnv {
    /// The shared test server, or the test cluster with `BLUEPRINT_TEST_REDIS=cluster` (scripts/test.sh
    /// runs this suite a second time that way).
    static var redis: RedisConfiguration {
        TestRedisCluster.sharedSuiteConfiguration ?? TestRedis.configuration
    }

    static let logger: Logger = {
        var logger = Logger(label: "server-test")
        logger.logLevel = .critical
        return logger
    }()

    /// A queue name no other test uses.
    static func queue(_ name: String = #function) -> QueueKeys {
        let base = name.prefix(while: { $0 != "(" })
        return QueueKeys(queue: "t_\(base)_\(UUID().uuidString.prefix(8))", group: "g")
    }

    /// A scratch directory removed by the caller.
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "bp-server-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Runs a Redis client (on the shared test server) for the duration of `body`.
func withTestClient<T: Sendable>(_ body: (RedisClient) async throws -> T) async throws -> T {
    try await withClient(TestEnv.redis, body)
}
