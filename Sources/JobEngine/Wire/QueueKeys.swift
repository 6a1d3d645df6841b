/// The Redis keys of one queue (DESIGN.md section 1).
///
/// Companion keys are `{queue}:suffix`, so they hash to the queue's slot and every multi-key
/// script works on Redis Cluster. The lane streams (``JobPriority``) are `queue` itself
/// (`default`), `{queue}:critical` and `{queue}:bulk`: one slot, one consumer group name.
public struct QueueKeys: Sendable, Hashable {
    /// The stream jobs are added to: the `default` lane.
    public let stream: String
    /// The consumer group (the same on every lane stream).
    public let group: String
    /// Sorted set of retries; score = due time in ms since the epoch.
    public let delayed: String
    /// Dead-letter stream.
    public let dead: String
    /// Outcome stream: one entry per finished job.
    public let results: String
    /// Hash: idempotency key -> first outcome.
    public let idempotency: String
    /// Sorted set: idempotency key -> time recorded (ms), for expiry.
    public let idempotencyIndex: String
    /// String key present while the queue is paused.
    public let paused: String
    /// The `critical` lane stream.
    public let critical: String
    /// The `bulk` lane stream.
    public let bulk: String

    public init(queue: String, group: String) {
        self.stream = queue
        self.group = group
        self.delayed = "{\(queue)}:delayed"
        self.dead = "{\(queue)}:dead"
        self.results = "{\(queue)}:results"
        self.idempotency = "{\(queue)}:idempotency"
        self.idempotencyIndex = "{\(queue)}:idempotency:index"
        self.paused = "{\(queue)}:paused"
        self.critical = "{\(queue)}:critical"
        self.bulk = "{\(queue)}:bulk"
    }

    /// The stream of a lane.
    public func stream(for lane: JobPriority) -> String {
        switch lane {
        case .critical: self.critical
        case .default: self.stream
        case .bulk: self.bulk
        }
    }

    /// The lane streams in reading order: critical, default, bulk.
    public var laneStreams: [String] { [self.critical, self.stream, self.bulk] }
}
