import NIOCore
import RESP

extension RedisClient {
    /// `XADD key [MAXLEN ~ n] id field value ...`; returns the new entry's ID.
    @discardableResult
    public func xadd(
        _ key: String, id: String = "*", fields: [(String, String)], maxLength: Int? = nil, approximate: Bool = true
    ) async throws -> String {
        let reply = try await self.send(Self.xaddCommand(key, id: id, fields: fields, maxLength: maxLength, approximate: approximate))
        guard let entryID = reply.string else { throw RedisClientError.unexpectedReply("XADD", reply) }
        return entryID
    }

    /// Builds an `XADD` command, for pipelines.
    public static func xaddCommand(
        _ key: String, id: String = "*", fields: [(String, String)], maxLength: Int? = nil, approximate: Bool = true
    ) -> RESPCommand {
        var command = RESPCommand("XADD", capacity: 64 + fields.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count + 16 })
        command.append(key)
        if let maxLength {
            command.append("MAXLEN")
            if approximate { command.append("~") }
            command.append(maxLength)
        }
        command.append(id)
        for (field, value) in fields {
            command.append(field)
            command.append(value)
        }
        return command
    }

    /// `XREADGROUP GROUP g c [COUNT n] [BLOCK ms] STREAMS key... id...`.
    ///
    /// With `block` the command runs on a dedicated connection (see ``sendBlocking(_:blockFor:)``).
    /// Returns entries by stream key; streams with nothing new are absent.
    public func xreadgroup(
        group: String, consumer: String, streams: [(key: String, id: String)], count: Int? = nil,
        block: TimeAmount? = nil, noAck: Bool = false
    ) async throws -> [String: [RedisStreamEntry]] {
        var command = RESPCommand("XREADGROUP")
        command.append("GROUP")
        command.append(group)
        command.append(consumer)
        if let count {
            command.append("COUNT")
            command.append(count)
        }
        if let block {
            command.append("BLOCK")
            command.append(Int(block.nanoseconds / 1_000_000))
        }
        if noAck { command.append("NOACK") }
        command.append("STREAMS")
        for stream in streams { command.append(stream.key) }
        for stream in streams { command.append(stream.id) }
        let reply = try await (block != nil ? self.sendBlocking(command, blockFor: block!) : self.send(command))
        return try Self.parseReadReply(reply, command: "XREADGROUP")
    }

    static func parseReadReply(_ reply: RESPValue, command: String) throws -> [String: [RedisStreamEntry]] {
        if reply.isNull { return [:] }
        var result: [String: [RedisStreamEntry]] = [:]
        switch reply.unwrappingAttributes {
        case .map(let entries):  // RESP3: {stream: entries}
            for entry in entries {
                guard let key = entry.key.string else { throw RedisClientError.unexpectedReply(command, reply) }
                result[key] = try RedisStreamEntry.parseList(entry.value, command: command)
            }
        case .array(let streams):  // RESP2: [[stream, entries], ...]
            for stream in streams {
                guard let pair = stream.array, pair.count == 2, let key = pair[0].string else {
                    throw RedisClientError.unexpectedReply(command, reply)
                }
                result[key] = try RedisStreamEntry.parseList(pair[1], command: command)
            }
        default:
            throw RedisClientError.unexpectedReply(command, reply)
        }
        return result
    }

    /// `XACK key group id...`; returns how many were acknowledged.
    @discardableResult
    public func xack(_ key: String, group: String, ids: [String]) async throws -> Int {
        var command = RESPCommand("XACK", [key, group])
        command.append(contentsOf: ids)
        return try await self.sendInt(command)
    }

    /// `XDEL key id...`; returns how many were deleted.
    @discardableResult
    public func xdel(_ key: String, ids: [String]) async throws -> Int {
        var command = RESPCommand("XDEL", [key])
        command.append(contentsOf: ids)
        return try await self.sendInt(command)
    }

    /// `XLEN key`.
    public func xlen(_ key: String) async throws -> Int {
        try await self.sendInt(RESPCommand("XLEN", [key]))
    }

    /// `XTRIM key MAXLEN [~] n`; returns how many entries were removed.
    @discardableResult
    public func xtrim(_ key: String, maxLength: Int, approximate: Bool = true) async throws -> Int {
        var command = RESPCommand("XTRIM", [key, "MAXLEN"])
        if approximate { command.append("~") }
        command.append(maxLength)
        return try await self.sendInt(command)
    }

    /// `XAUTOCLAIM key group consumer min-idle start [COUNT n] [JUSTID]`.
    ///
    /// Accepts both the Redis 6.2 reply (`[cursor, entries]`) and the Redis 7 reply
    /// (`[cursor, entries, deleted-ids]`).
    public func xautoclaim(
        _ key: String, group: String, consumer: String, minIdle: TimeAmount, start: String = "0-0", count: Int? = nil,
        justID: Bool = false
    ) async throws -> RedisAutoClaimResult {
        var command = RESPCommand("XAUTOCLAIM", [key, group, consumer, String(minIdle.nanoseconds / 1_000_000), start])
        if let count {
            command.append("COUNT")
            command.append(count)
        }
        if justID { command.append("JUSTID") }
        let reply = try await self.send(command)
        return try Self.parseAutoClaim(reply, justID: justID)
    }

    static func parseAutoClaim(_ reply: RESPValue, justID: Bool) throws -> RedisAutoClaimResult {
        guard let parts = reply.array, parts.count == 2 || parts.count == 3, let cursor = parts[0].string,
            let items = parts[1].array
        else { throw RedisClientError.unexpectedReply("XAUTOCLAIM", reply) }
        let entries: [RedisStreamEntry]
        if justID {
            entries = try items.map {
                guard let id = $0.string else { throw RedisClientError.unexpectedReply("XAUTOCLAIM", reply) }
                return RedisStreamEntry(id: id, fields: [:])
            }
        } else {
            entries = try items.map { try RedisStreamEntry(reply: $0, command: "XAUTOCLAIM") }
        }
        let deleted = parts.count == 3 ? (parts[2].array ?? []).compactMap(\.string) : []
        return RedisAutoClaimResult(nextStart: cursor, entries: entries, deletedIDs: deleted)
    }

    /// `XCLAIM key group consumer min-idle id... [IDLE ms] [RETRYCOUNT n] [FORCE] [JUSTID]`.
    ///
    /// With `justID` the returned entries carry IDs only (and the delivery count is not incremented);
    /// a worker renewing its ownership of a running job uses that form.
    public func xclaim(
        _ key: String, group: String, consumer: String, minIdle: TimeAmount, ids: [String], idle: TimeAmount? = nil,
        retryCount: Int? = nil, force: Bool = false, justID: Bool = false
    ) async throws -> [RedisStreamEntry] {
        let command = Self.xclaimCommand(key, group: group, consumer: consumer, minIdle: minIdle, ids: ids, idle: idle,
                                         retryCount: retryCount, force: force, justID: justID)
        let reply = try await self.send(command)
        guard let items = reply.array else { throw RedisClientError.unexpectedReply("XCLAIM", reply) }
        if justID {
            return items.compactMap { $0.string.map { RedisStreamEntry(id: $0, fields: [:]) } }
        }
        return try items.compactMap { $0.isNull ? nil : try RedisStreamEntry(reply: $0, command: "XCLAIM") }
    }

    /// Builds an `XCLAIM` command, for pipelines.
    public static func xclaimCommand(
        _ key: String, group: String, consumer: String, minIdle: TimeAmount, ids: [String], idle: TimeAmount? = nil,
        retryCount: Int? = nil, force: Bool = false, justID: Bool = false
    ) -> RESPCommand {
        var command = RESPCommand("XCLAIM", [key, group, consumer, String(minIdle.nanoseconds / 1_000_000)])
        command.append(contentsOf: ids)
        if let idle {
            command.append("IDLE")
            command.append(Int(idle.nanoseconds / 1_000_000))
        }
        if let retryCount {
            command.append("RETRYCOUNT")
            command.append(retryCount)
        }
        if force { command.append("FORCE") }
        if justID { command.append("JUSTID") }
        return command
    }

    /// `XPENDING key group`: the summary.
    public func xpending(_ key: String, group: String) async throws -> RedisPendingSummary {
        let reply = try await self.send(RESPCommand("XPENDING", [key, group]))
        guard let parts = reply.array, parts.count == 4, let count = parts[0].int else {
            throw RedisClientError.unexpectedReply("XPENDING", reply)
        }
        var consumers: [String: Int] = [:]
        for item in parts[3].array ?? [] {
            if let pair = item.array, pair.count == 2, let name = pair[0].string, let n = pair[1].int { consumers[name] = n }
        }
        return RedisPendingSummary(count: count, smallestID: parts[1].string, largestID: parts[2].string, consumers: consumers)
    }

    /// `XPENDING key group [IDLE ms] start end count [consumer]`: the extended form.
    public func xpending(
        _ key: String, group: String, start: String = "-", end: String = "+", count: Int, consumer: String? = nil,
        minIdle: TimeAmount? = nil
    ) async throws -> [RedisPendingEntry] {
        var command = RESPCommand("XPENDING", [key, group])
        if let minIdle {
            command.append("IDLE")
            command.append(Int(minIdle.nanoseconds / 1_000_000))
        }
        command.append(start)
        command.append(end)
        command.append(count)
        if let consumer { command.append(consumer) }
        let reply = try await self.send(command)
        guard let items = reply.array else { throw RedisClientError.unexpectedReply("XPENDING", reply) }
        return try items.map { item in
            guard let p = item.array, p.count == 4, let id = p[0].string, let consumer = p[1].string,
                let idle = p[2].int, let deliveries = p[3].int
            else { throw RedisClientError.unexpectedReply("XPENDING", reply) }
            return RedisPendingEntry(id: id, consumer: consumer, idleMilliseconds: idle, deliveryCount: deliveries)
        }
    }

    /// `XGROUP CREATE key group id [MKSTREAM]`; returns `false` when the group already exists (BUSYGROUP).
    @discardableResult
    public func xgroupCreate(_ key: String, group: String, id: String = "0", makeStream: Bool = true) async throws -> Bool {
        var command = RESPCommand("XGROUP", ["CREATE", key, group, id])
        if makeStream { command.append("MKSTREAM") }
        do {
            try await self.send(command)
            return true
        } catch let error as RedisServerError where error.isBusyGroup {
            return false
        }
    }

    /// `XGROUP DESTROY key group`; returns `true` when a group was destroyed.
    @discardableResult
    public func xgroupDestroy(_ key: String, group: String) async throws -> Bool {
        try await self.sendInt(RESPCommand("XGROUP", ["DESTROY", key, group])) == 1
    }

    /// `XGROUP DELCONSUMER key group consumer`; returns the pending entries the consumer had.
    @discardableResult
    public func xgroupDeleteConsumer(_ key: String, group: String, consumer: String) async throws -> Int {
        try await self.sendInt(RESPCommand("XGROUP", ["DELCONSUMER", key, group, consumer]))
    }

    /// `XINFO GROUPS key`: one dictionary per group (`name`, `consumers`, `pending`, `last-delivered-id`, `lag`...).
    public func xinfoGroups(_ key: String) async throws -> [[String: RESPValue]] {
        try Self.dictionaries(try await self.send(RESPCommand("XINFO", ["GROUPS", key])), command: "XINFO GROUPS")
    }

    /// `XINFO CONSUMERS key group`: one dictionary per consumer (`name`, `pending`, `idle`, `inactive`...).
    public func xinfoConsumers(_ key: String, group: String) async throws -> [[String: RESPValue]] {
        try Self.dictionaries(try await self.send(RESPCommand("XINFO", ["CONSUMERS", key, group])), command: "XINFO CONSUMERS")
    }

    /// `XINFO STREAM key`: `length`, `first-entry`, `last-entry`, `last-generated-id`...
    public func xinfoStream(_ key: String) async throws -> [String: RESPValue] {
        let reply = try await self.send(RESPCommand("XINFO", ["STREAM", key]))
        guard let dictionary = Self.dictionary(reply) else { throw RedisClientError.unexpectedReply("XINFO STREAM", reply) }
        return dictionary
    }

    /// `XRANGE key start end [COUNT n]`.
    public func xrange(_ key: String, start: String = "-", end: String = "+", count: Int? = nil) async throws -> [RedisStreamEntry] {
        var command = RESPCommand("XRANGE", [key, start, end])
        if let count {
            command.append("COUNT")
            command.append(count)
        }
        return try RedisStreamEntry.parseList(try await self.send(command), command: "XRANGE")
    }

    static func dictionary(_ reply: RESPValue) -> [String: RESPValue]? {
        guard let pairs = reply.pairs else { return nil }
        var out: [String: RESPValue] = [:]
        for pair in pairs {
            if let key = pair.key.string { out[key] = pair.value }
        }
        return out
    }

    static func dictionaries(_ reply: RESPValue, command: String) throws -> [[String: RESPValue]] {
        guard let items = reply.array else { throw RedisClientError.unexpectedReply(command, reply) }
        return try items.map {
            guard let d = Self.dictionary($0) else { throw RedisClientError.unexpectedReply(command, reply) }
            return d
        }
    }

    func sendInt(_ command: RESPCommand) async throws -> Int {
        let reply = try await self.send(command)
        guard let value = reply.int else { throw RedisClientError.unexpectedReply(command.name, reply) }
        return value
    }
}
