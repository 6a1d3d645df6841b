/// What an operator needs to know about one queue, read from Redis.
///
/// Because the engine acknowledges and deletes a finished job in one step, `length` (`XLEN`) is
/// jobs waiting plus jobs in flight, and `pending` (`XPENDING`) is jobs in flight.
public struct QueueStats: Sendable, Codable, Equatable {
    /// The stream key, e.g. `email_queue`.
    public var queue: String
    /// The consumer group.
    public var group: String
    /// Whether the consumer group exists (a worker creates it on start).
    public var groupExists: Bool
    /// `XLEN`: waiting + in flight, summed over the lanes.
    public var length: Int
    /// Entries delivered to a consumer and not yet acknowledged (in flight, or owned by a dead consumer).
    public var pending: Int
    /// Entries not yet delivered to any consumer of the group.
    public var waiting: Int
    /// Redis' own `lag` of the group when it knows it (it may not after deletions); `waiting` otherwise.
    public var lag: Int
    /// Retries waiting for their due time in `{queue}:delayed`.
    public var delayed: Int
    /// Entries in the dead-letter stream `{queue}:dead`.
    public var dead: Int
    /// Whether `{queue}:paused` exists (consumers stop reading while it does).
    public var paused: Bool
    /// Age in seconds of the oldest job not yet delivered; `nil` when none waits.
    public var oldestWaitingAgeSeconds: Double?
    /// Entries ever added to the stream (`XINFO STREAM` `entries-added`), for enqueue rates.
    public var enqueuedTotal: Int?
    /// Outcomes ever written to `{queue}:results`, for completion rates.
    public var finishedTotal: Int?
    /// The group's consumers.
    public var consumers: [ConsumerStats]
    /// Per lane (critical, default, bulk); `length`, `pending`, `waiting` and `lag` are their sums.
    public var lanes: [LaneStats]
    /// For a partitioned queue (``QueuePartitions``): each partition's own statistics, partition 0
    /// first (`queue` is then the physical name, e.g. `email_queue~1`); the fields above are their
    /// totals. `nil` for a queue of one partition.
    public var partitions: [QueueStats]?

    /// Creates empty statistics for a queue.
    public init(queue: String, group: String) {
        self.queue = queue
        self.group = group
        self.groupExists = false
        self.length = 0
        self.pending = 0
        self.waiting = 0
        self.lag = 0
        self.delayed = 0
        self.dead = 0
        self.paused = false
        self.consumers = []
        self.lanes = []
    }
}
