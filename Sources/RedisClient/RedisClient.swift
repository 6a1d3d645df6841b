import Logging
import NIOCore
import NIOPosix
import RESP
import ServiceLifecycle

/// The Redis client: a pool of pipelined connections, blocking commands on their own connections,
/// scripts, and typed helpers for streams and sorted sets.
///
/// It is a `Service`: ``run()`` opens and maintains the connections until cancelled or a graceful
/// shutdown, then closes them. Commands issued while no connection is up wait for one up to the
/// connect timeout.
///
/// ```swift
/// let client = RedisClient(configuration: try RedisConfiguration(url: "redis://127.0.0.1:6379"), logger: logger)
/// let group = ServiceGroup(services: [client], logger: logger)
/// ```
///
/// With ``RedisConfiguration/Mode/cluster(seeds:)`` (`redis+cluster://` URLs) the same API talks
/// to a Redis Cluster: each command, script and blocking read goes to the master serving its keys'
/// slot, pipelines are split per node and their replies put back in order, and `MOVED` / `ASK`
/// redirections are followed (see ``RedisClusterRouter``). A command whose keys span slots throws
/// ``RedisClientError/crossSlot(_:)`` before it is sent.
public final class RedisClient: Service, Sendable {
    /// Where commands go: one pool, or a router over a pool per cluster master.
    enum Backend: Sendable {
        case standalone(RedisConnectionPool)
        case cluster(RedisClusterRouter)
    }

    let backend: Backend
    let scripts = RedisScriptCache()
    /// The configuration the client was made with.
    public let configuration: RedisConfiguration
    let logger: Logger

    public init(
        configuration: RedisConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.configuration = configuration
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        switch configuration.mode {
        case .standalone:
            self.backend = .standalone(
                RedisConnectionPool(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger))
        case .cluster(let seeds):
            self.backend = .cluster(
                RedisClusterRouter(
                    configuration: configuration, seeds: seeds.isEmpty ? [configuration.endpoint] : seeds,
                    eventLoopGroup: eventLoopGroup, logger: logger))
        }
    }

    /// The pool of a standalone client (tests only; a cluster client has one per node).
    var pool: RedisConnectionPool {
        guard case .standalone(let pool) = self.backend else { preconditionFailure("a cluster client has a pool per node") }
        return pool
    }

    /// The event loops the connections run on (replies are read there).
    public let eventLoopGroup: any EventLoopGroup

    /// Keeps the connections open until the task is cancelled or the service group shuts down.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            switch self.backend {
            case .standalone(let pool): await pool.run()
            case .cluster(let router): await router.run()
            }
        }
    }

    /// Sends a command and returns its reply; error replies throw ``RedisServerError``.
    ///
    /// On a cluster it goes to the master of its keys' slot (any master when it has no key).
    @discardableResult
    public func send(_ command: RESPCommand, timeout: TimeAmount? = nil) async throws -> RESPValue {
        switch self.backend {
        case .standalone(let pool):
            let connection = try await pool.connection()
            do {
                return try await connection.send(command, timeout: timeout)
            } catch let error as RedisServerError where error.isReadOnly {
                await pool.readOnlyReply(from: connection)
                throw error
            }
        case .cluster(let router):
            return try await self.sendClustered(command, router: router, timeout: timeout)
        }
    }

    /// Sends a command given as strings: `try await client.send("SET", "k", "v")`.
    @discardableResult
    public func send(_ name: String, _ arguments: String...) async throws -> RESPValue {
        try await self.send(RESPCommand(name, arguments))
    }

    /// Sends commands in one pipeline on one connection; replies (error replies as values) in order.
    ///
    /// On a cluster the commands are split into one pipeline per master, sent concurrently, and
    /// the replies put back in order: commands on the same node keep their order, commands on
    /// different nodes do not wait for each other.
    public func pipeline(_ commands: [RESPCommand], timeout: TimeAmount? = nil) async throws -> [RESPValue] {
        switch self.backend {
        case .standalone(let pool):
            let connection = try await pool.connection()
            let replies = try await connection.pipeline(commands, timeout: timeout)
            if replies.contains(where: { $0.errorMessage.map { RedisServerError(message: $0).isReadOnly } ?? false }) {
                await pool.readOnlyReply(from: connection)
            }
            return replies
        case .cluster(let router):
            return try await self.pipelineClustered(commands, router: router, timeout: timeout)
        }
    }

    /// How many times a pooled connection was replaced after being lost (server restart, stuck
    /// connection, failover). Replies in flight on a lost connection are lost with it: a stream
    /// consumer that sees this change re-reads its own pending entries.
    ///
    /// On a cluster it is the sum over the nodes' pools, so it also changes when a node's pool is
    /// retired after a failover.
    public var reconnections: UInt64 {
        switch self.backend {
        case .standalone(let pool): return pool.reconnections
        case .cluster(let router): return router.reconnections
        }
    }

    /// Sends a blocking command (`XREADGROUP ... BLOCK`, `BLPOP`...) on a dedicated connection with a
    /// reply deadline of `blockFor` + the configured margin. Cancellation closes that connection.
    ///
    /// At most ``RedisConfiguration/maximumBlockingConnections`` dedicated connections exist at once
    /// (shared with ``withConnection(_:)``): past it this waits for one up to the connect timeout,
    /// then throws ``RedisClientError/tooManyBlockingConnections(limit:)``.
    public func sendBlocking(_ command: RESPCommand, blockFor: TimeAmount) async throws -> RESPValue {
        let timeout = blockFor + self.configuration.blockingMargin
        switch self.backend {
        case .standalone(let pool):
            return try await pool.withDedicatedConnection { connection in
                do {
                    return try await connection.send(command, timeout: timeout, isBlocking: true)
                } catch let error as RedisServerError where error.isReadOnly {
                    await pool.readOnlyReply(from: connection)
                    throw error
                }
            } reusable: { connection, _ in
                // An error reply leaves the connection in step; a timeout or cancellation closed it.
                connection.isActive
            }
        case .cluster(let router):
            return try await self.sendBlockingClustered(command, router: router, timeout: timeout)
        }
    }

    /// Runs `body` with a connection no other caller uses until `body` returns: for work that must
    /// see only its own commands on one connection, such as `WATCH` / `MULTI` / `EXEC`.
    ///
    /// The connection is a dedicated one, like those of ``sendBlocking(_:blockFor:)``, and counts
    /// against ``RedisConfiguration/maximumBlockingConnections`` (past it this waits up to the connect
    /// timeout, then throws ``RedisClientError/tooManyBlockingConnections(limit:)``). Do not keep it
    /// past `body`.
    ///
    /// When `body` returns, a transaction or `WATCH` it left open is discarded (`DISCARD`, `UNWATCH`)
    /// and the connection is kept for reuse. When `body` throws or the task is cancelled, nothing more
    /// is sent: the connection is closed, since its server-side state (an open `MULTI`, replies still
    /// due) is unknown. Leave other connection state (`SELECT`, `CLIENT REPLY`, subscriptions) as found.
    ///
    /// On a cluster the connection is to some master; use ``withConnection(forKey:_:)`` to get the
    /// one serving the keys `body` works on.
    public func withConnection<R>(_ body: (RedisConnection) async throws -> R) async throws -> R {
        switch self.backend {
        case .standalone(let pool):
            return try await Self.withExclusive(pool, body)
        case .cluster(let router):
            return try await Self.withExclusive(router.pool(for: router.endpoint(for: nil)), body)
        }
    }

    /// Like ``withConnection(_:)``, on the node serving `key`'s slot (on a cluster; the one server
    /// otherwise). Keys `body` uses on that connection must share `key`'s slot (a common hash tag);
    /// a `MOVED` reply there is thrown to `body`, not followed.
    public func withConnection<R>(forKey key: String, _ body: (RedisConnection) async throws -> R) async throws -> R {
        switch self.backend {
        case .standalone(let pool):
            return try await Self.withExclusive(pool, body)
        case .cluster(let router):
            let endpoint = try await router.endpoint(for: RedisHashSlot.slot(of: key))
            return try await Self.withExclusive(router.pool(for: endpoint), body)
        }
    }

    private static func withExclusive<R>(
        _ pool: RedisConnectionPool, _ body: (RedisConnection) async throws -> R
    ) async throws -> R {
        try await pool.withDedicatedConnection(body) { connection, succeeded in
            guard succeeded, connection.isActive, !Task.isCancelled else { return false }
            guard
                let replies = try? await connection.pipeline([RESPCommand("DISCARD"), RESPCommand("UNWATCH")]),
                replies.count == 2, replies[1].string == "OK"
            else { return false }
            return true
        }
    }
}
