import JobEngine
import RESP
import RedisClient

extension QueueInspector {
    /// The longest window `statsSeries` serves: the stats hashes live two hours.
    public static let maximumStatsMinutes = 120

    /// The per-minute outcomes and percentiles of the last `minutes` minutes (current one included):
    /// one pipelined `HGETALL` per minute, one round trip.
    public func statsSeries(_ keys: QueueKeys, minutes: Int) async throws -> QueueStatsSeries {
        let count = min(max(1, minutes), Self.maximumStatsMinutes)
        let last = JobStatsSchema.minute(ofMilliseconds: self.now())
        let window = Array((last - Int64(count) + 1)...last)
        let replies = try await self.client.pipeline(window.map { RESPCommand("HGETALL", [keys.stats(minute: $0)]) })
        var parsed: [MinuteStats] = []
        for (minute, reply) in zip(window, replies) {
            if let message = reply.errorMessage { throw RedisServerError(message: message) }
            guard let pairs = reply.pairs, !pairs.isEmpty else { continue }
            parsed.append(
                MinuteStats(minute: minute, fields: pairs.lazy.compactMap { pair in
                    guard let field = pair.key.string, let value = pair.value.string else { return nil }
                    return (field, value)
                }))
        }
        return QueueStatsSeries(queue: keys.stream, lastMinute: last, count: count, parsed: parsed)
    }
}
