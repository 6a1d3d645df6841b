import JobEngine

extension QueueStats {
    /// The totals of a partitioned queue's `parts` (partition 0 first), named after the logical
    /// queue `queue`, with `parts` kept in ``partitions``.
    ///
    /// Counts are summed; the queue is paused when any partition is (a half-paused queue must be
    /// visible); the group exists when it exists on every partition; the oldest waiting age is the
    /// largest; entry totals are summed when every partition reports one; consumers are merged by
    /// name (their pending summed, their idle times the smallest); lanes are summed lane by lane.
    public static func summing(_ parts: [QueueStats], queue: QueueKeys) -> QueueStats {
        var total = QueueStats(queue: queue.stream, group: queue.group)
        total.groupExists = !parts.isEmpty && parts.allSatisfy(\.groupExists)
        total.enqueuedTotal = parts.isEmpty ? nil : 0
        total.finishedTotal = parts.isEmpty ? nil : 0
        var consumers: [String: ConsumerStats] = [:]
        var consumerOrder: [String] = []
        var lanes: [String: LaneStats] = [:]
        var laneOrder: [String] = []
        for part in parts {
            total.length += part.length
            total.pending += part.pending
            total.waiting += part.waiting
            total.lag += part.lag
            total.delayed += part.delayed
            total.dead += part.dead
            total.paused = total.paused || part.paused
            if let age = part.oldestWaitingAgeSeconds { total.oldestWaitingAgeSeconds = max(total.oldestWaitingAgeSeconds ?? 0, age) }
            total.enqueuedTotal = both(total.enqueuedTotal, part.enqueuedTotal).map { $0.0 + $0.1 }
            total.finishedTotal = both(total.finishedTotal, part.finishedTotal).map { $0.0 + $0.1 }
            for consumer in part.consumers {
                if var seen = consumers[consumer.name] {
                    seen.pending += consumer.pending
                    seen.idleMilliseconds = min(seen.idleMilliseconds, consumer.idleMilliseconds)
                    seen.inactiveMilliseconds = both(seen.inactiveMilliseconds, consumer.inactiveMilliseconds).map { min($0.0, $0.1) }
                        ?? seen.inactiveMilliseconds ?? consumer.inactiveMilliseconds
                    consumers[consumer.name] = seen
                } else {
                    consumers[consumer.name] = consumer
                    consumerOrder.append(consumer.name)
                }
            }
            for lane in part.lanes {
                if var seen = lanes[lane.lane] {
                    seen.length += lane.length
                    seen.pending += lane.pending
                    seen.waiting += lane.waiting
                    lanes[lane.lane] = seen
                } else {
                    var first = lane
                    first.stream = queue.stream(for: JobPriority(rawValue: lane.lane) ?? .default)
                    lanes[lane.lane] = first
                    laneOrder.append(lane.lane)
                }
            }
        }
        total.consumers = consumerOrder.compactMap { consumers[$0] }
        total.lanes = laneOrder.compactMap { lanes[$0] }
        total.partitions = parts
        return total
    }
}

/// Both values combined, `nil` when either is.
private func both<T>(_ a: T?, _ b: T?) -> (T, T)? {
    guard let a, let b else { return nil }
    return (a, b)
}
