import JobEngine

/// The one place that says how a failed external dependency is reported to the engine, so the
/// policies' circuit breaker for that dependency sees SMTP and SMS provider outages.
enum DependencyFailure {
    /// A transient failure of `dependency` (connection refused, timeout, provider 5xx).
    static func make(_ dependency: String, _ message: String, retryAfter: Duration? = nil) -> JobError {
        .dependencyFailure(dependency, "\(dependency) unavailable: \(message)", retryAfter: retryAfter)
    }
}
