import Foundation

/// A job enqueued on a cron schedule (`BLUEPRINT_PERIODIC`), once per tick however many workers run.
public struct PeriodicJob: Sendable, Hashable {
    /// Unique name (`[A-Za-z0-9_.-]`, at most 64 characters); part of its Redis keys.
    public var name: String
    /// When it fires.
    public var schedule: CronExpression
    /// The zone the cron fields are read in (default `Asia/Seoul`).
    public var timeZone: TimeZone
    /// The zone's name as the settings wrote it (Foundation may report `UTC` as `GMT`).
    public var timeZoneName: String
    /// The queue (stream) the job is added to.
    public var queue: String
    /// The `job_data` JSON object (holds `type`).
    public var jobData: String
    /// The job type (from `jobData`).
    public var type: String
    /// `user_id` field of the enqueued entries, if any.
    public var userID: String?
    /// What happens to ticks missed during a downtime.
    public var missedTicks: MissedTickPolicy

    /// The default zone of the cron fields.
    public static let defaultTimeZone = "Asia/Seoul"

    /// Creates a periodic job; ``PeriodicJobList`` parses the setting.
    public init(
        name: String, schedule: CronExpression, timeZone: TimeZone, queue: String, jobData: String, type: String,
        userID: String? = nil, missedTicks: MissedTickPolicy = .skip
    ) {
        self.name = name
        self.schedule = schedule
        self.timeZone = timeZone
        self.timeZoneName = timeZone.identifier
        self.queue = queue
        self.jobData = jobData
        self.type = type
        self.userID = userID
        self.missedTicks = missedTicks
    }

    /// `{queue}:periodic:<name>:last`: the last tick handled (ms), shared by every worker.
    public var lastTickKey: String { "{\(self.queue)}:periodic:\(self.name):last" }

    /// `{queue}:periodic:<name>:<tick ms>`: set once (NX) by the worker that enqueues that tick.
    public func tickKey(_ tick: Int64) -> String { "{\(self.queue)}:periodic:\(self.name):\(tick)" }
}
