import Foundation
import JobEngine
import RESP
import RedisClient

/// Reads queue statistics from Redis and pauses or resumes queues: shared by the admin API,
/// `/metrics`, `/readyz` and the CLI.
///
/// Only queues it was made with are served (``keys(for:)``), so a request cannot make it
/// touch arbitrary Redis keys.
///
/// Partitioned queues (``QueuePartitions``): ``queues`` holds the logical queues (partition 0's
/// keys); stats are totals with a per-partition breakdown, and pause, resume, pending, delayed,
/// dead letters and job lookup cover every partition.
public struct QueueInspector: Sendable {
    /// The logical queues this inspector reports on, in display order.
    public let queues: [QueueKeys]
    /// Partition counts of the queues.
    public let partitions: QueuePartitions
    /// The Redis client used for every read.
    public let client: RedisClient
    /// Wall-clock time in ms since the epoch (injected in tests).
    let now: @Sendable () -> Int64

    /// Creates an inspector of `queues`.
    public init(
        queues: [QueueKeys], client: RedisClient, partitions: QueuePartitions = .none,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    ) {
        self.queues = queues
        self.partitions = partitions
        self.client = client
        self.now = now
    }

    /// The keys of a known queue, `nil` for any other name.
    public func keys(for queue: String) -> QueueKeys? {
        self.queues.first { $0.stream == queue }
    }

    /// The keys of every partition of a logical queue, partition 0 first (just `keys` when it is
    /// not partitioned).
    public func partitionKeys(_ keys: QueueKeys) -> [QueueKeys] {
        self.partitions.keys(of: keys)
    }

    /// The keys of every partition of every queue, in display order.
    public var physicalQueues: [QueueKeys] {
        self.queues.flatMap { self.partitionKeys($0) }
    }

    /// Statistics of every queue.
    public func allStats() async throws -> [QueueStats] {
        var out: [QueueStats] = []
        for keys in self.queues { out.append(try await self.stats(keys)) }
        return out
    }

    /// Statistics of one logical queue; for a partitioned queue, the totals
    /// (``QueueStats/summing(_:queue:)``) with each partition's own in ``QueueStats/partitions``.
    public func stats(_ keys: QueueKeys) async throws -> QueueStats {
        let all = self.partitionKeys(keys)
        guard all.count > 1 else { return try await self.partitionStats(keys) }
        var parts: [QueueStats] = []
        for partition in all { parts.append(try await self.partitionStats(partition)) }
        return QueueStats.summing(parts, queue: keys)
    }

    /// Statistics of one physical queue: two pipelined round trips. Consumers, the oldest waiting
    /// age and the totals of entries added are those of the `default` lane (the plain stream).
    public func partitionStats(_ keys: QueueKeys) async throws -> QueueStats {
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
        let all = self.partitionKeys(keys)
        for (index, partition) in all.enumerated() where out.count < count {
            out += try await self.partitionPending(partition, count: count - out.count).map {
                var job = $0
                if all.count > 1 { job.partition = index }
                return job
            }
        }
        return out
    }

    private func partitionPending(_ keys: QueueKeys, count: Int) async throws -> [PendingJob] {
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

    /// Pauses a queue (every partition): every worker stops reading it within about a second;
    /// jobs in flight finish.
    public func pause(_ keys: QueueKeys) async throws {
        let now = String(self.now())
        for partition in self.partitionKeys(keys) {
            let reply = try await self.client.send(RESPCommand("SET", [partition.paused, now]))
            if let message = reply.errorMessage { throw RedisServerError(message: message) }
        }
    }

    /// Resumes a paused queue (every partition).
    public func resume(_ keys: QueueKeys) async throws {
        for partition in self.partitionKeys(keys) {
            let reply = try await self.client.send(RESPCommand("DEL", [partition.paused]))
            if let message = reply.errorMessage { throw RedisServerError(message: message) }
        }
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
