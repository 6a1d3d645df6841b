import RESP

/// A node's answer to `ROLE`, reduced to what failover needs.
public enum RedisRole: Sendable, Hashable {
    /// `["master", offset, [[host, port, offset], ...]]`.
    case master
    /// `["slave", masterHost, masterPort, state, offset]` (Redis still says "slave").
    case replica(masterHost: String, masterPort: Int)
    /// `["sentinel", [names]]`.
    case sentinel

    /// Parses a `ROLE` reply.
    ///
    /// - Throws: ``SentinelReplyError`` for an error reply or an unknown shape.
    public static func parse(_ reply: RESPValue) throws -> RedisRole {
        let reply = reply.unwrappingAttributes
        if let message = reply.errorMessage { throw SentinelReplyError("ROLE error: \(message.prefix(120))") }
        guard let items = reply.array, let kind = items.first?.string else {
            throw SentinelReplyError("ROLE: expected an array, got \(reply.description.prefix(80))")
        }
        switch kind.lowercased() {
        case "master":
            return .master
        case "slave", "replica":
            guard items.count >= 3, let host = items[1].string,
                let port = items[2].int ?? items[2].string.flatMap({ Int($0) })
            else { throw SentinelReplyError("ROLE: malformed replica reply") }
            return .replica(masterHost: host, masterPort: port)
        case "sentinel":
            return .sentinel
        default:
            throw SentinelReplyError("ROLE: unknown role \(kind.prefix(20))")
        }
    }

    /// `true` for ``master``.
    public var isMaster: Bool { self == .master }

    /// `master`, `replica` or `sentinel`, for messages.
    public var name: String {
        switch self {
        case .master: "master"
        case .replica: "replica"
        case .sentinel: "sentinel"
        }
    }
}
