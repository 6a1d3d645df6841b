/// Everything the dashboard shows, in one response (`GET /api/overview`).
struct Overview: Encodable, Sendable {
    var queues: [QueueStats]
    var workers: [WorkerInfo]
    var breakers: [BreakerState]
    /// Server time, ms since the epoch (the dashboard computes rates and ages with it).
    var time: Int64
}
