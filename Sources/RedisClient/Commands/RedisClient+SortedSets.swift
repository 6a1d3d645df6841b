import RESP

extension RedisClient {
    /// `ZADD key score member ...`; returns how many members were added.
    @discardableResult
    public func zadd(_ key: String, members: [(score: Double, member: String)]) async throws -> Int {
        var command = RESPCommand("ZADD", [key])
        for (score, member) in members {
            command.append(Self.formatScore(score))
            command.append(member)
        }
        return try await self.sendInt(command)
    }

    /// `ZRANGEBYSCORE key min max [LIMIT offset count]`; `min`/`max` accept `-inf`, `+inf`, `(x`.
    public func zrangebyscore(_ key: String, min: String, max: String, limit: (offset: Int, count: Int)? = nil) async throws -> [String] {
        var command = RESPCommand("ZRANGEBYSCORE", [key, min, max])
        if let limit {
            command.append("LIMIT")
            command.append(limit.offset)
            command.append(limit.count)
        }
        let reply = try await self.send(command)
        guard let items = reply.array else { throw RedisClientError.unexpectedReply("ZRANGEBYSCORE", reply) }
        return items.compactMap(\.string)
    }

    /// `ZREM key member...`; returns how many were removed.
    @discardableResult
    public func zrem(_ key: String, members: [String]) async throws -> Int {
        var command = RESPCommand("ZREM", [key])
        command.append(contentsOf: members)
        return try await self.sendInt(command)
    }

    /// `ZCARD key`.
    public func zcard(_ key: String) async throws -> Int {
        try await self.sendInt(RESPCommand("ZCARD", [key]))
    }

    static func formatScore(_ score: Double) -> String {
        if score == score.rounded(), abs(score) < 1e15 { return String(Int64(score)) }
        return String(score)
    }
}
