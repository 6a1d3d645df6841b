import Foundation
import RedisClient

/// The master + replica + 3 sentinels of scripts/test-servers/redis-sentinel.sh
/// (`REDIS_SENTINEL_TEST_URL`, `..._MASTER_PORT`, `..._REPLICA_PORT`, `..._DIR`). Tests that fail
/// over use ``PrivateSentinelSet`` instead, so this set keeps its master.
public enum TestSentinel {
    /// `redis+sentinel://...:s1,...:s2,...:s3/bpmaster`, `nil` outside `make test` unless exported.
    public static var url: String? { ProcessInfo.processInfo.environment["REDIS_SENTINEL_TEST_URL"] }
    /// The master's port at start.
    public static var masterPort: Int? {
        ProcessInfo.processInfo.environment["REDIS_SENTINEL_TEST_MASTER_PORT"].flatMap { Int($0) }
    }
    /// The replica's port at start.
    public static var replicaPort: Int? {
        ProcessInfo.processInfo.environment["REDIS_SENTINEL_TEST_REPLICA_PORT"].flatMap { Int($0) }
    }
    /// Whether the Sentinel suites on the shared set run: when it is there, and always under `make test`.
    public static var suitesRun: Bool { TestServers.shouldRun(Self.url != nil) }
    /// Whether the suites with a private sentinel set run: redis-server is enough.
    public static var privateSetsRun: Bool { TestServers.shouldRun(PrivateRedis.executable != nil) }

    /// A configuration from ``url`` with generous timeouts; throws when the set is not configured.
    public static func configuration() throws -> RedisConfiguration {
        guard let url else {
            throw TestFailure("REDIS_SENTINEL_TEST_URL is not set (scripts/test-servers/redis-sentinel.sh)")
        }
        var configuration = try RedisConfiguration(url: url)
        configuration.connectTimeout = .seconds(15)
        return configuration
    }
}
