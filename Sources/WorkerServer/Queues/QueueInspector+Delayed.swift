import RESP

extension QueueInspector {
    /// Jobs waiting in each queue's delayed set (scheduled jobs and retries), by queue.
    public func delayedCounts() async throws -> [String: Int] {
        guard !self.queues.isEmpty else { return [:] }
        let replies = try await self.client.pipeline(self.queues.map { RESPCommand("ZCARD", [$0.delayed]) })
        var counts: [String: Int] = [:]
        for (keys, reply) in zip(self.queues, replies) { counts[keys.stream] = reply.int ?? 0 }
        return counts
    }
}
