import Logging
import RedisClient

/// What a handler knows about the job it runs.
public struct JobContext: Sendable {
    /// The job's ID for its whole life (see DESIGN.md section 1).
    public let jobID: String
    /// The job type.
    public let type: String
    /// The queue (stream key) it came from.
    public let queue: String
    /// 1 for the first run.
    public let attempt: Int
    /// The stream entry being processed.
    public let entryID: String
    /// Subject of per-user limits, if the producer gave one.
    public let userID: String?
    public let idempotencyKey: String?
    /// W3C trace context from the producer.
    public let traceparent: String?
    /// This worker's consumer name.
    public let worker: String
    /// The engine's logger (without the job's metadata; see ``logger``).
    let baseLogger: Logger
    /// A logger with the job's metadata (`job_id`, `job_type`, `queue`, `attempt`); built on use,
    /// so jobs that do not log pay nothing for it.
    public var logger: Logger {
        var logger = self.baseLogger
        logger[metadataKey: "job_id"] = "\(self.jobID)"
        logger[metadataKey: "job_type"] = "\(self.type)"
        logger[metadataKey: "queue"] = "\(self.queue)"
        logger[metadataKey: "attempt"] = "\(self.attempt)"
        return logger
    }
    /// The engine's Redis client, for handlers that keep state in Redis (sent markers, counters).
    public let redis: RedisClient
}
