import JobEngine
import RESP
import RedisClient

extension QueueInspector {
    /// Jobs waiting in each queue's delayed set (scheduled jobs and retries), by queue.
    /// Partitioned queues are counted under their logical name (summed over the partitions).
    public func delayedCounts() async throws -> [String: Int] {
        guard !self.queues.isEmpty else { return [:] }
        let owners = self.queues.flatMap { logical in self.partitionKeys(logical).map { (logical.stream, $0) } }
        let replies = try await self.client.pipeline(owners.map { RESPCommand("ZCARD", [$0.1.delayed]) })
        var counts: [String: Int] = [:]
        for (owner, reply) in zip(owners, replies) { counts[owner.0, default: 0] += reply.int ?? 0 }
        return counts
    }

    /// The soonest-due `limit` jobs of a queue's delayed set, and its size; for a partitioned
    /// queue, merged over the partitions (soonest first) and the total of their sizes.
    public func delayed(_ keys: QueueKeys, limit: Int) async throws -> DelayedPage {
        let all = self.partitionKeys(keys)
        guard all.count > 1 else { return try await self.partitionDelayed(keys, limit: limit) }
        var total = 0
        var jobs: [DelayedJob] = []
        for partition in all {
            let page = try await self.partitionDelayed(partition, limit: limit)
            total += page.total
            jobs += page.delayed
        }
        jobs.sort { $0.dueAt < $1.dueAt }
        return DelayedPage(queue: keys.stream, total: total, delayed: Array(jobs.prefix(limit)))
    }

    /// The soonest-due `limit` jobs of one physical queue's delayed set, and its size: one round trip.
    private func partitionDelayed(_ keys: QueueKeys, limit: Int) async throws -> DelayedPage {
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
