/// How one attempt of a job ended, as metrics see it.
public enum JobMetricsOutcome: String, Sendable, CaseIterable {
    /// The handler succeeded.
    case succeeded
    /// The attempt failed transiently; another attempt is scheduled.
    case retried
    /// The job went to the dead-letter stream (failed permanently, retries exhausted, bad input).
    case dead
    /// The job was refused without running further (e.g. `rate_limited`).
    case rejected
    /// A policy put the job back without spending an attempt (e.g. an open circuit breaker).
    case deferred
}

/// Receives one call per finished attempt; implemented by the server's Prometheus metrics.
///
/// Called on the engine's hot path (tens of thousands of times a second): implementations must
/// be cheap and non-blocking (no I/O, no allocation per call once a label set is known). `type` may
/// be any string a producer sent (unknown types are dead-lettered), so implementations must bound
/// their label values, e.g. to the registry's job types.
public protocol JobMetrics: Sendable {
    /// Records one finished attempt of a job of `type` on `queue` that took `durationMilliseconds`.
    func record(queue: String, type: String, outcome: JobMetricsOutcome, durationMilliseconds: Int64)
}
