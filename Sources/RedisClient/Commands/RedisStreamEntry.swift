import RESP

/// One entry of a Redis stream.
public struct RedisStreamEntry: Sendable, Hashable {
    /// The entry ID (`<ms>-<seq>`).
    public var id: String
    /// Field values by name. Empty when ``isDeleted``.
    public var fields: [String: String]
    /// `true` when the entry is still pending but was deleted from the stream (`XREADGROUP ... 0`
    /// and `XCLAIM` report such entries with a null field list).
    public var isDeleted: Bool

    public init(id: String, fields: [String: String], isDeleted: Bool = false) {
        self.id = id
        self.fields = fields
        self.isDeleted = isDeleted
    }

    /// Parses `[id, [field, value, ...]]` (or `[id, nil]`).
    init(reply: RESPValue, command: String) throws {
        guard let parts = reply.array, parts.count == 2, let id = parts[0].string else {
            throw RedisClientError.unexpectedReply(command, reply)
        }
        self.id = id
        if parts[1].isNull {
            self.fields = [:]
            self.isDeleted = true
            return
        }
        guard let flat = parts[1].array, flat.count % 2 == 0 else { throw RedisClientError.unexpectedReply(command, reply) }
        var fields: [String: String] = [:]
        fields.reserveCapacity(flat.count / 2)
        var index = 0
        while index < flat.count {
            if let key = flat[index].string { fields[key] = flat[index + 1].string ?? "" }
            index += 2
        }
        self.fields = fields
        self.isDeleted = false
    }

    static func parseList(_ reply: RESPValue, command: String) throws -> [RedisStreamEntry] {
        if reply.isNull { return [] }
        guard let items = reply.array else { throw RedisClientError.unexpectedReply(command, reply) }
        return try items.map { try RedisStreamEntry(reply: $0, command: command) }
    }
}

/// One pending entry as `XPENDING key group start end count` reports it.
public struct RedisPendingEntry: Sendable, Hashable {
    public var id: String
    public var consumer: String
    /// Milliseconds since the entry was last delivered (or claimed).
    public var idleMilliseconds: Int
    /// Times the entry was delivered.
    public var deliveryCount: Int
}

/// The summary form of `XPENDING key group`.
public struct RedisPendingSummary: Sendable, Hashable {
    public var count: Int
    public var smallestID: String?
    public var largestID: String?
    /// Pending entries per consumer name.
    public var consumers: [String: Int]
}

/// The reply of `XAUTOCLAIM`.
public struct RedisAutoClaimResult: Sendable, Hashable {
    /// Cursor for the next call; `0-0` when the scan is complete.
    public var nextStart: String
    /// Entries now owned by the claiming consumer (IDs only, empty fields, with `JUSTID`).
    public var entries: [RedisStreamEntry]
    /// IDs that were pending but no longer exist in the stream (Redis 7+; removed from the PEL).
    public var deletedIDs: [String]
}
