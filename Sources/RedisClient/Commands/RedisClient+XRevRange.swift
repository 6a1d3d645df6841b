import RESP

extension RedisClient {
    /// `XREVRANGE key end start [COUNT n]`: entries newest first.
    public func xrevrange(_ key: String, end: String = "+", start: String = "-", count: Int? = nil) async throws -> [RedisStreamEntry] {
        var command = RESPCommand("XREVRANGE", [key, end, start])
        if let count {
            command.append("COUNT")
            command.append(count)
        }
        return try RedisStreamEntry.parseList(try await self.send(command), command: "XREVRANGE")
    }
}
