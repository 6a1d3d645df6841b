/// Where a job is now, or how it ended: the body of `GET /api/jobs/{id}`.
///
/// `state` is one of: `waiting` (on the stream, not delivered yet), `running` (delivered to
/// `worker`, not acknowledged), `delayed` (on the delayed set until `due_at`), or an outcome
/// from the results stream: `succeeded`, `rejected`, `dead` (with `error`). A job's result body is
/// never returned (it may hold personal data); `result_bytes` says how long it is.
public struct JobLocation: Codable, Sendable, Hashable {
    /// The states of ``state``.
    public enum State {
        /// On the stream, not delivered yet.
        public static let waiting = "waiting"
        /// Delivered to a worker, not acknowledged.
        public static let running = "running"
        /// On the delayed set until its next attempt.
        public static let delayed = "delayed"
        /// Finished successfully.
        public static let succeeded = "succeeded"
        /// Refused (final).
        public static let rejected = "rejected"
        /// In the dead letters.
        public static let dead = "dead"
    }

    /// The job's ID (`job_id`, else idempotency key, else the entry ID).
    public var jobID: String
    /// The queue it was found in.
    public var queue: String
    /// One of ``State``.
    public var state: String
    /// The job's type when known.
    public var type: String?
    /// The attempt running or waiting, or the attempts made when finished.
    public var attempt: Int?
    /// The stream entry (waiting, running), the dead-letter entry (dead, when found there).
    public var entryID: String?
    /// The lane stream it waits or runs on (`critical`, `default`, `bulk`).
    public var lane: String?
    /// When the entry was added to the stream, ms since the epoch (waiting, running).
    public var enqueuedAt: Int64?
    /// The worker (consumer) running it.
    public var worker: String?
    /// Milliseconds since it was delivered or last heartbeated (running).
    public var idleMs: Int?
    /// Times the entry was delivered (running).
    public var deliveries: Int?
    /// When it goes back on the stream (delayed), ms since the epoch.
    public var dueAt: Int64?
    /// The error of the failed attempt (delayed), the rejection or the dead letter's error.
    public var error: String?
    /// The results entry of a finished job.
    public var resultsEntryID: String?
    /// When it finished, ms since the epoch.
    public var finishedAt: Int64?
    /// Run time of its last attempt.
    public var durationMs: Int64?
    /// Length of a successful job's result, in bytes.
    public var resultBytes: Int?

    /// A location with only the required parts.
    public init(jobID: String, queue: String, state: String) {
        self.jobID = jobID
        self.queue = queue
        self.state = state
    }
}
