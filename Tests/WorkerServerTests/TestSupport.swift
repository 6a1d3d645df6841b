import Foundation
import JobEngine
import Logging
import RedisClient
import Testing

enum TestEnv {
    static var host: String { ProcessInfo.processInfo.environment["REDIS_HOST"] ?? "127.0.0.1" }
    static var port: Int { Int(ProcessInfo.processInfo.environment["REDIS_PORT"] ?? "") ?? 6379 }

    static var redis: RedisConfiguration {
        var configuration = RedisConfiguration(endpoint: .tcp(host: host, port: port))
        configuration.connectTimeout = .seconds(3)
        return configuration
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

/// Runs a Redis client for the duration of `body`.
func withTestClient<T: Sendable>(_ body: (RedisClient) async throws -> T) async throws -> T {
    let client = RedisClient(configuration: TestEnv.redis, logger: TestEnv.logger)
    let runner = Task { try await client.run() }
    defer { runner.cancel() }
    return try await body(client)
}
