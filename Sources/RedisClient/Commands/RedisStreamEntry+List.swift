import RESP

extension RedisStreamEntry {
    /// Parses a list of entries (`[[id, [field, value, ...]], ...]`, or null for none), as
    /// `XRANGE` returns it and as scripts that read streams return it.
    ///
    /// - Throws: ``RedisClientError/unexpectedReply(_:_:)`` naming `command` when the shape is wrong.
    public static func list(from reply: RESPValue, command: String) throws -> [RedisStreamEntry] {
        try self.parseList(reply, command: command)
    }
}
