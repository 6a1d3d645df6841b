import RESP

/// The reply to `SENTINEL GET-MASTER-ADDR-BY-NAME name`: the master's address, as that sentinel
/// believes it (it may be stale right after a failover; check the node with `ROLE`).
public enum SentinelMasterAddress {
    /// Parses the reply: `[host, port]`, or `nil` (null reply) when the sentinel monitors no master
    /// of that name.
    ///
    /// - Throws: ``SentinelReplyError`` for an error reply or any other shape.
    public static func parse(_ reply: RESPValue) throws -> RedisSentinelConfiguration.Address? {
        let reply = reply.unwrappingAttributes
        if reply.isNull { return nil }
        if let message = reply.errorMessage { throw SentinelReplyError("sentinel error: \(message.prefix(120))") }
        guard let items = reply.array, items.count == 2, let host = items[0].string,
            !host.isEmpty, host.utf8.count <= 255, !host.contains(where: \.isWhitespace)
        else {
            throw SentinelReplyError(
                "GET-MASTER-ADDR-BY-NAME: expected [host, port], got \(reply.description.prefix(80))")
        }
        guard let port = items[1].string.flatMap({ Int($0) }) ?? items[1].int, (1...65535).contains(port) else {
            throw SentinelReplyError("GET-MASTER-ADDR-BY-NAME: bad port")
        }
        return .init(host: host, port: port)
    }
}
