extension QueuePartitions {
    /// The consumers' queues: each queue of `queues` whose logical name is partitioned becomes one
    /// configuration per partition (partition 0 first), with the same group, lane weights and
    /// event-loop choice; the logical queue's concurrency is shared out, each partition getting
    /// `ceil(concurrency / N)` slots.
    public func expand(_ queues: [QueueConfiguration]) -> [QueueConfiguration] {
        queues.flatMap { queue -> [QueueConfiguration] in
            let count = self.count(for: queue.logicalQueue)
            guard count > 1 else { return [queue] }
            let share = (queue.concurrency + count - 1) / count
            return (0..<count).map { index in
                var partition = queue
                partition.keys = QueueKeys(queue: Self.physicalName(queue.logicalQueue, partition: index), group: queue.keys.group)
                partition.concurrency = max(1, share)
                partition.partition = index
                return partition
            }
        }
    }

    /// The keys of every partition of the queue whose partition-0 keys are `keys`.
    public func keys(of keys: QueueKeys) -> [QueueKeys] {
        self.physicalNames(of: keys.stream).map { QueueKeys(queue: $0, group: keys.group) }
    }
}
