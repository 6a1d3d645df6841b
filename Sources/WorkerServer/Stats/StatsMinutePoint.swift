import JobEngine

/// One minute of a queue's chart: how many attempts ended each way.
public struct StatsMinutePoint: Codable, Sendable, Hashable {
    /// Start of the minute, ms since the epoch.
    public var at: Int64
    /// Jobs finished successfully.
    public var succeeded: Int64
    /// Jobs rejected (final).
    public var rejected: Int64
    /// Failed attempts with another one scheduled.
    public var retried: Int64
    /// Jobs a policy put back without running them.
    public var deferred: Int64
    /// Jobs sent to the dead letters.
    public var dead: Int64

    /// The point of one parsed minute.
    public init(_ stats: MinuteStats) {
        self.at = stats.minute &* JobStatsSchema.minuteMilliseconds
        self.succeeded = stats.count(JobStatsSchema.Outcome.succeeded)
        self.rejected = stats.count(JobStatsSchema.Outcome.rejected)
        self.retried = stats.count(JobStatsSchema.Outcome.retried)
        self.deferred = stats.count(JobStatsSchema.Outcome.deferred)
        self.dead = stats.count(JobStatsSchema.Outcome.dead)
    }
}
