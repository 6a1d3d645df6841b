import RESP

/// An error reply of the server (`-PREFIX message` or `!len\r\nPREFIX message`).
///
/// ``prefix`` is the first word (`ERR`, `WRONGTYPE`, `NOGROUP`, `BUSYGROUP`, `NOSCRIPT`, `MOVED`,
/// `ASK`, `TRYAGAIN`, `NOPROTO`, `NOAUTH`, `WRONGPASS`, ...).
public struct RedisServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The whole error text as the server sent it.
    public let message: String

    public init(message: String) {
        self.message = message
    }

    /// The first word of the message, the error's kind.
    public var prefix: Substring {
        self.message.prefix(while: { $0 != " " })
    }

    /// A `MOVED` or `ASK` redirection of Redis Cluster, parsed; `nil` for other errors.
    public var redirection: Redirection? {
        let parts = self.message.split(separator: " ")
        guard parts.count == 3, parts[0] == "MOVED" || parts[0] == "ASK", let slot = Int(parts[1]),
            let colon = parts[2].lastIndex(of: ":"), let port = Int(parts[2][parts[2].index(after: colon)...])
        else { return nil }
        return Redirection(
            kind: parts[0] == "MOVED" ? .moved : .ask, slot: slot, host: String(parts[2][..<colon]), port: port)
    }

    /// Where Redis Cluster says a key's slot lives.
    public struct Redirection: Sendable, Hashable {
        public enum Kind: Sendable, Hashable { case moved, ask }
        public var kind: Kind
        public var slot: Int
        public var host: String
        public var port: Int
    }

    public var isNoScript: Bool { self.prefix == "NOSCRIPT" }
    public var isBusyGroup: Bool { self.prefix == "BUSYGROUP" }
    public var isNoGroup: Bool { self.prefix == "NOGROUP" }
    /// A write sent to a replica (in Sentinel mode: the master was demoted by a failover).
    public var isReadOnly: Bool { self.prefix == "READONLY" }

    public var description: String { "Redis error: \(message)" }
}
