import Foundation
import JobEngine
import RESP
import RedisClient

/// Reads queue statistics from Redis and pauses or resumes queues: shared by the admin API,
/// `/metrics`, `/readyz` and the CLI.
///
/// Only queues it was made with are served (``keys(for:)``), so a request cannot make it
/// touch arbitrary Redis keys.
public struct QueueInspector: Sendable {
    /// The queues this inspector reports on, in display order.
    public let queues: [QueueKeys]
    /// The Redis client used for every read.
    public let client: RedisClient
    /// Wall-clock time in ms since the epoch (injected in tests).
    let now: @Sendable () -> Int64

    /// Creates an inspector of `queues`.
    public init(
        queues: [QueueKeys], client: RedisClient,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    ) {
        self.queues = queues
        self.client = client
        self.now = now
    }

    /// The keys of a known queue, `nil` for any other name.
    public func keys(for queue: String) -> QueueKeys? {
        self.queues.first { $0.stream == queue }
    }

    /// Statistics of every queue.
    public func allStats() async throws -> [QueueStats] {
        var out: [QueueStats] = []
        for keys in self.queues { out.append(try await self.stats(keys)) }
        return out
    }

    /// Statistics of one queue: two pipelined round trips. Consumers, the oldest waiting age and
    /// the totals of entries added are those of the `default` lane (the plain stream).
    public func stats(_ keys: QueueKeys) async throws -> QueueStats {
        var stats = QueueStats(queue: keys.stream, group: keys.group)
        let replies = try await self.client.pipeline([
            RESPCommand("XLEN", [keys.stream]),
            RESPCommand("XINFO", ["GROUPS", keys.stream]),
            RESPCommand("ZCARD", [keys.delayed]),
            RESPCommand("XLEN", [keys.dead]),
            RESPCommand("EXISTS", [keys.paused]),
            RESPCommand("XINFO", ["STREAM", keys.stream]),
            RESPCommand("XINFO", ["STREAM", keys.results]),
            RESPCommand("XLEN", [keys.critical]),
            RESPCommand("XINFO", ["GROUPS", keys.critical]),
            RESPCommand("XLEN", [keys.bulk]),
            RESPCommand("XINFO", ["GROUPS", keys.bulk]),
        ])
        if let message = replies[0].errorMessage { throw RedisServerError(message: message) }
        stats.delayed = replies[2].int ?? 0
        stats.dead = replies[3].int ?? 0
        stats.paused = (replies[4].int ?? 0) == 1
        stats.enqueuedTotal = Self.dictionary(replies[5])?["entries-added"]?.int
        stats.finishedTotal = Self.dictionary(replies[6])?["entries-added"]?.int

        var lastDelivered = "0-0"
        var redisLag = 0
        var lagKnown = true
        for (lane, length, groups) in [
            (JobPriority.critical, replies[7], replies[8]), (.default, replies[0], replies[1]), (.bulk, replies[9], replies[10]),
        ] {
            var pending = 0
            var laneLag: Int?
            for group in groups.array ?? [] {
                guard let info = Self.dictionary(group), info["name"]?.string == keys.group else { continue }
                pending = info["pending"]?.int ?? 0
                if lane == .default {
                    stats.groupExists = true
                    lastDelivered = info["last-delivered-id"]?.string ?? "0-0"
                }
                if let lag = info["lag"], !lag.isNull { laneLag = lag.int }
            }
            let laneStats = LaneStats(lane: lane, stream: keys.stream(for: lane), length: length.int ?? 0, pending: pending)
            stats.lanes.append(laneStats)
            stats.length += laneStats.length
            stats.pending += laneStats.pending
            stats.waiting += laneStats.waiting
            if let laneLag { redisLag += laneLag } else if laneStats.waiting > 0 { lagKnown = false }
        }
        stats.lag = lagKnown ? redisLag : stats.waiting

        guard stats.groupExists else { return stats }
        let start = lastDelivered == "0-0" ? "-" : "(" + lastDelivered
        let second = try await self.client.pipeline([
            RESPCommand("XINFO", ["CONSUMERS", keys.stream, keys.group]),
            RESPCommand("XRANGE", [keys.stream, start, "+", "COUNT", "1"]),
        ])
        for consumer in second[0].array ?? [] {
            guard let info = Self.dictionary(consumer), let name = info["name"]?.string else { continue }
            let inactive = info["inactive"]?.int
            stats.consumers.append(
                ConsumerStats(
                    name: name, pending: info["pending"]?.int ?? 0, idleMilliseconds: info["idle"]?.int ?? 0,
                    inactiveMilliseconds: inactive.flatMap { $0 >= 0 ? $0 : nil }))
        }
        if let firstID = second[1].array?.first?.array?.first?.string,
            let milliseconds = firstID.split(separator: "-").first.flatMap({ Int64($0) })
        {
            stats.oldestWaitingAgeSeconds = Double(max(0, self.now() - milliseconds)) / 1000
        }
        return stats
    }

    /// Entries in flight (delivered, not acknowledged), oldest first within each lane, critical
    /// lane first; at most `count` in all.
    public func pending(_ keys: QueueKeys, count: Int) async throws -> [PendingJob] {
        var out: [PendingJob] = []
        for lane in JobPriority.readingOrder where out.count < count {
            do {
                out += try await self.client.xpending(keys.stream(for: lane), group: keys.group, count: count - out.count).map {
                    PendingJob(
                        id: $0.id, consumer: $0.consumer, idleMilliseconds: $0.idleMilliseconds,
                        deliveries: $0.deliveryCount, lane: lane.rawValue)
                }
            } catch let error as RedisServerError where error.prefix == "NOGROUP" {
                continue
            }
        }
        return out
    }

    /// Pauses a queue: every worker stops reading it within about a second; jobs in flight finish.
    public func pause(_ keys: QueueKeys) async throws {
        try await self.client.send(RESPCommand("SET", [keys.paused, String(self.now())]))
    }

    /// Resumes a paused queue.
    public func resume(_ keys: QueueKeys) async throws {
        try await self.client.send(RESPCommand("DEL", [keys.paused]))
    }

    static func dictionary(_ reply: RESPValue) -> [String: RESPValue]? {
        guard reply.errorMessage == nil, let pairs = reply.pairs else { return nil }
        var out: [String: RESPValue] = [:]
        for pair in pairs {
            if let key = pair.key.string { out[key] = pair.value }
        }
        return out
    }
}
