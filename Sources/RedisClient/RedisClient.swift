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
public final class RedisClient: Service, Sendable {
    let pool: RedisConnectionPool
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
        self.pool = RedisConnectionPool(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
    }

    /// The event loops the connections run on (replies are read there).
    public var eventLoopGroup: any EventLoopGroup { self.pool.eventLoopGroup }

    /// Keeps the connections open until the task is cancelled or the service group shuts down.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.pool.run()
        }
    }

    /// Sends a command and returns its reply; error replies throw ``RedisServerError``.
    @discardableResult
    public func send(_ command: RESPCommand, timeout: TimeAmount? = nil) async throws -> RESPValue {
        let connection = try await self.pool.connection()
        do {
            return try await connection.send(command, timeout: timeout)
        } catch let error as RedisServerError where error.isReadOnly {
            await self.pool.readOnlyReply(from: connection)
            throw error
        }
    }

    /// Sends a command given as strings: `try await client.send("SET", "k", "v")`.
    @discardableResult
    public func send(_ name: String, _ arguments: String...) async throws -> RESPValue {
        try await self.send(RESPCommand(name, arguments))
    }

    /// Sends commands in one pipeline on one connection; replies (error replies as values) in order.
    public func pipeline(_ commands: [RESPCommand], timeout: TimeAmount? = nil) async throws -> [RESPValue] {
        let connection = try await self.pool.connection()
        let replies = try await connection.pipeline(commands, timeout: timeout)
        if replies.contains(where: { $0.errorMessage.map { RedisServerError(message: $0).isReadOnly } ?? false }) {
            await self.pool.readOnlyReply(from: connection)
        }
        return replies
    }

    /// How many times a pooled connection was replaced after being lost (server restart, stuck
    /// connection, failover). Replies in flight on a lost connection are lost with it: a stream
    /// consumer that sees this change re-reads its own pending entries.
    public var reconnections: UInt64 { self.pool.reconnections }

    /// Sends a blocking command (`XREADGROUP ... BLOCK`, `BLPOP`...) on a dedicated connection with a
    /// reply deadline of `blockFor` + the configured margin. Cancellation closes that connection.
    ///
    /// At most ``RedisConfiguration/maximumBlockingConnections`` dedicated connections exist at once
    /// (shared with ``withConnection(_:)``): past it this waits for one up to the connect timeout,
    /// then throws ``RedisClientError/tooManyBlockingConnections(limit:)``.
    public func sendBlocking(_ command: RESPCommand, blockFor: TimeAmount) async throws -> RESPValue {
        let timeout = blockFor + self.configuration.blockingMargin
        return try await self.pool.withDedicatedConnection { connection in
            do {
                return try await connection.send(command, timeout: timeout, isBlocking: true)
            } catch let error as RedisServerError where error.isReadOnly {
                await self.pool.readOnlyReply(from: connection)
                throw error
            }
        } reusable: { connection, _ in
            // An error reply leaves the connection in step; a timeout or cancellation closed it.
            connection.isActive
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
    public func withConnection<R>(_ body: (RedisConnection) async throws -> R) async throws -> R {
        try await self.pool.withDedicatedConnection(body) { connection, succeeded in
            guard succeeded, connection.isActive, !Task.isCancelled else { return false }
            guard
                let replies = try? await connection.pipeline([RESPCommand("DISCARD"), RESPCommand("UNWATCH")]),
                replies.count == 2, replies[1].string == "OK"
            else { return false }
            return true
        }
    }
}
