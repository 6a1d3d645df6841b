/// A breaker's state as metrics and the admin API read it.
public struct CircuitBreakerSnapshot: Sendable, Hashable {
    /// The dependency (`smtp`, `sms:nhn`, `clamd`...); a fixed name, safe as a metric label.
    public let dependency: String
    public let state: CircuitBreaker.State
    /// Calls and failures in the current window (closed state only).
    public let calls: Int
    public let failures: Int
    /// When probes are let through (ms since the epoch), while open.
    public let probeAtMilliseconds: Int64?
    /// Times this breaker opened since the process started.
    public let opened: Int
    /// Jobs deferred by this breaker since the process started.
    public let deferred: Int
}
