/// The Redis keys of one queue (DESIGN.md section 1).
///
/// Companion keys are `{queue}:suffix`, so they hash to the queue's slot and every multi-key
/// script works on Redis Cluster.
public struct QueueKeys: Sendable, Hashable {
    /// The stream jobs are added to.
    public let stream: String
    /// The consumer group.
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

    public init(queue: String, group: String) {
        self.stream = queue
        self.group = group
        self.delayed = "{\(queue)}:delayed"
        self.dead = "{\(queue)}:dead"
        self.results = "{\(queue)}:results"
        self.idempotency = "{\(queue)}:idempotency"
        self.idempotencyIndex = "{\(queue)}:idempotency:index"
        self.paused = "{\(queue)}:paused"
    }
}
