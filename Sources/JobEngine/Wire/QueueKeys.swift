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

/// The four queues of the contract and their default groups.
public enum StandardQueues {
    public static let email = QueueKeys(queue: "email_queue", group: "email_workers")
    public static let sms = QueueKeys(queue: "sms_queue", group: "sms_workers")
    public static let files = QueueKeys(queue: "file_processing_queue", group: "file_workers")
    public static let verification = QueueKeys(queue: "verification_queue", group: "verification_workers")
    public static let all = [email, sms, files, verification]

    /// The default group of a queue: a standard queue's group, else `<queue>_workers`.
    public static func keys(for queue: String) -> QueueKeys {
        all.first { $0.stream == queue } ?? QueueKeys(queue: queue, group: queue.replacing("_queue", with: "") + "_workers")
    }
}
