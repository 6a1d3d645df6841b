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
        // A partitioned queue's minute is the field-wise sum of its partitions' hashes (every field
        // is a count: outcomes and histogram buckets), which `MinuteStats` does when given them all.
        let all = self.partitionKeys(keys)
        var fieldsByMinute: [[(String, String)]] = Array(repeating: [], count: window.count)
        for partition in all {
            let replies = try await self.client.pipeline(window.map { RESPCommand("HGETALL", [partition.stats(minute: $0)]) })
            for (index, reply) in replies.enumerated() where index < window.count {
                if let message = reply.errorMessage { throw RedisServerError(message: message) }
                guard let pairs = reply.pairs else { continue }
                for pair in pairs {
                    if let field = pair.key.string, let value = pair.value.string { fieldsByMinute[index].append((field, value)) }
                }
            }
        }
        var parsed: [MinuteStats] = []
        for (minute, fields) in zip(window, fieldsByMinute) where !fields.isEmpty {
            parsed.append(MinuteStats(minute: minute, fields: fields))
        }
        return QueueStatsSeries(queue: keys.stream, lastMinute: last, count: count, parsed: parsed)
    }
}
