import NIOCore
import RESP

/// A failure of the client itself (not a server error reply): connection, timeout, protocol, usage.
public struct RedisClientError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case connectionClosed, timeout, protocolError, invalidURL, poolClosed, unexpectedReply, connectFailed
        case tooManyPendingRequests, tooManyBlockingConnections
        case crossSlot, invalidCommand, tooManyRedirections, clusterTopology
    }

    private let code: Code
    /// A human-readable explanation; never contains a password or payload bytes.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The connection closed before the reply arrived; the command may or may not have run.
    public static func connectionClosed(_ detail: String = "connection closed") -> Self {
        .init(.connectionClosed, detail)
    }
    /// No reply within the deadline; the connection was closed since its replies can no longer be matched.
    public static func timeout(_ command: String) -> Self {
        .init(.timeout, "\(command) timed out; connection closed")
    }
    /// The server sent bytes that are not RESP, or a reply nobody asked for.
    public static func protocolError(_ detail: String) -> Self { .init(.protocolError, "protocol error: \(detail)") }
    /// A malformed `REDIS_URL`.
    public static func invalidURL(_ detail: String) -> Self { .init(.invalidURL, "invalid Redis URL: \(detail)") }
    /// The client was shut down.
    public static let poolClosed = Self(.poolClosed, "the Redis client is shut down")
    /// A reply of a shape the typed helper did not expect.
    public static func unexpectedReply(_ command: String, _ reply: RESPValue) -> Self {
        .init(.unexpectedReply, "unexpected reply to \(command): \(String(reply.description.prefix(120)))")
    }
    /// Connecting failed (refused, unreachable, TLS or handshake failure).
    public static func connectFailed(_ detail: String) -> Self { .init(.connectFailed, "cannot connect to Redis: \(detail)") }

    /// The command was not sent: its connection already owed `limit` replies
    /// (``RedisConfiguration/maximumPendingRequestsPerConnection``) and none drained before the
    /// command's timeout. The connection stays open; the server is slow or stuck.
    public static func tooManyPendingRequests(limit: Int) -> Self {
        .init(
            .tooManyPendingRequests,
            "command not sent: its connection already waits for \(limit) replies "
                + "(maximumPendingRequestsPerConnection) and none drained within the command timeout")
    }
    /// Every dedicated connection (``RedisConfiguration/maximumBlockingConnections``, `limit` of
    /// them) stayed in use by blocking commands or exclusive leases for the whole connect timeout.
    public static func tooManyBlockingConnections(limit: Int) -> Self {
        .init(
            .tooManyBlockingConnections,
            "all \(limit) dedicated connections (maximumBlockingConnections) stayed busy with blocking "
                + "commands or exclusive leases for the whole connect timeout")
    }

    /// A Redis Cluster command whose keys hash to different slots; refused before it was sent.
    /// Give related keys one hash tag (`{queue}:a`, `{queue}:b`) so they share a slot.
    public static func crossSlot(_ command: String) -> Self {
        .init(.crossSlot, "\(command) not sent: its keys hash to different cluster slots (use a common {hash tag})")
    }
    /// A command whose arguments contradict its own syntax (a `numkeys` beyond the arguments,
    /// `XREAD` without `STREAMS`); refused before it was sent.
    public static func invalidCommand(_ detail: String) -> Self { .init(.invalidCommand, "invalid command: \(detail)") }
    /// Redis Cluster kept redirecting a command (`MOVED`, `ASK`, `TRYAGAIN`, `CLUSTERDOWN`) past the bound.
    public static func tooManyRedirections(_ command: String, _ attempts: Int) -> Self {
        .init(.tooManyRedirections, "\(command) still redirected after \(attempts) attempts; the cluster is reconfiguring or down")
    }
    /// No node of a Redis Cluster gave a usable topology (`CLUSTER SHARDS` / `CLUSTER SLOTS`).
    public static func clusterTopology(_ detail: String) -> Self { .init(.clusterTopology, "cluster topology: \(detail)") }

    /// `true` for failures after which retrying on a fresh connection makes sense.
    public var isConnectionFailure: Bool {
        self.code == .connectionClosed || self.code == .timeout || self.code == .connectFailed || self.code == .protocolError
    }

    /// `true` when no connection could be had, so the command was certainly not sent.
    var isConnectFailure: Bool { self.code == .connectFailed }

    public var description: String { "RedisClientError: \(message)" }
}
