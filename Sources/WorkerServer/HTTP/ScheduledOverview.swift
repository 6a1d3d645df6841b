import JobEngine

/// `GET /api/periodic`: the periodic jobs and the jobs waiting in each queue's delayed set.
struct ScheduledOverview: Encodable, Sendable {
    var periodic: [PeriodicJobStatus]
    /// `ZCARD {queue}:delayed` by queue: scheduled jobs (`run_at`, `delay_ms`) and retries waiting.
    var delayed: [String: Int]
    /// Server time, ms since the epoch.
    var time: Int64
}
