import JobEngine
import RESP
import RedisClient

extension QueueInspector {
    /// Jobs waiting in each queue's delayed set (scheduled jobs and retries), by queue.
    public func delayedCounts() async throws -> [String: Int] {
        guard !self.queues.isEmpty else { return [:] }
        let replies = try await self.client.pipeline(self.queues.map { RESPCommand("ZCARD", [$0.delayed]) })
        var counts: [String: Int] = [:]
        for (keys, reply) in zip(self.queues, replies) { counts[keys.stream] = reply.int ?? 0 }
        return counts
    }

    /// The soonest-due `limit` jobs of a queue's delayed set, and its size: one round trip.
    public func delayed(_ keys: QueueKeys, limit: Int) async throws -> DelayedPage {
        let replies = try await self.client.pipeline([
            RESPCommand("ZCARD", [keys.delayed]),
            RESPCommand("ZRANGE", [keys.delayed, "0", String(max(0, limit - 1)), "WITHSCORES"]),
        ])
        for reply in replies { if let message = reply.errorMessage { throw RedisServerError(message: message) } }
        return DelayedPage(
            queue: keys.stream, total: replies[0].int ?? 0, delayed: Self.delayedJobs(replies[1]))
    }

    /// Parses a `ZRANGE ... WITHSCORES` reply: flat `[member, score, ...]` (RESP2) or pairs (RESP3).
    static func delayedJobs(_ reply: RESPValue) -> [DelayedJob] {
        guard let items = reply.array else { return [] }
        var out: [DelayedJob] = []
        if items.allSatisfy({ $0.array?.count == 2 }) && !items.isEmpty {
            for item in items {
                guard let pair = item.array, let member = pair[0].string, let score = pair[1].string.flatMap(Double.init)
                else { continue }
                out.append(DelayedJob(member: member, score: score))
            }
            return out
        }
        var index = 0
        while index + 1 < items.count {
            if let member = items[index].string, let score = items[index + 1].string.flatMap(Double.init) {
                out.append(DelayedJob(member: member, score: score))
            }
            index += 2
        }
        return out
    }
}
