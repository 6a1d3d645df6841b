import Foundation
import Logging
import NIOCore
import RedisClient

/// Where the test Redis listens: `REDIS_HOST` / `REDIS_PORT` (set by scripts/test.sh), else localhost:6379.
enum TestRedis {
    static var host: String { ProcessInfo.processInfo.environment["REDIS_HOST"] ?? "127.0.0.1" }
    static var port: Int { Int(ProcessInfo.processInfo.environment["REDIS_PORT"] ?? "") ?? 6379 }
    static var socketPath: String? { ProcessInfo.processInfo.environment["REDIS_SOCKET"] }

    static var configuration: RedisConfiguration {
        var configuration = RedisConfiguration(endpoint: .tcp(host: host, port: port))
        configuration.connectTimeout = .seconds(3)
        return configuration
    }

    static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }()

    /// A key no other test uses.
    static func key(_ name: String = #function) -> String {
        "test:\(name.prefix(while: { $0 != "(" })):\(UUID().uuidString.prefix(8))"
    }
}

/// Runs `body` with a client whose `run()` is active; cancels it afterwards.
func withClient<T: Sendable>(
    _ configuration: RedisConfiguration = TestRedis.configuration,
    _ body: (RedisClient) async throws -> T
) async throws -> T {
    let client = RedisClient(configuration: configuration, logger: TestRedis.logger)
    let runner = Task { try await client.run() }
    defer { runner.cancel() }
    return try await body(client)
}
