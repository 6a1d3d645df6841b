/// A failure of a job, classified so the engine knows what to do with it.
///
/// - transient: worth retrying (network hiccup, 4xx from SMTP, timeout); retried per the job's
///   ``RetryPolicy``, optionally no earlier than ``retryAfter``.
/// - permanent: retrying cannot help (bad arguments, 5xx from SMTP); goes to the dead letters.
/// - rejected: refused by policy (rate limited); the outcome is `rejected`, nothing is retried.
///
/// Errors of other types thrown by a handler are treated as transient, except `DecodingError`
/// (permanent) and `CancellationError` during shutdown (the job stays pending for another worker).
public struct JobError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What the engine does with a failed job.
    public enum Kind: String, Sendable, Hashable {
        case transient, permanent, rejected
    }

    public let kind: Kind
    /// Why it failed; goes to logs, dead letters and results. Must not contain secrets or PII.
    public let message: String
    /// For transient errors: the earliest time to retry, overriding the backoff (e.g. `Retry-After`).
    public let retryAfter: Duration?
    /// For rejections: a short machine-readable reason (`rate_limited`).
    public let reason: String?
    /// For transient errors: the external dependency that failed (`mail-relay`, `payments-api`...), which
    /// counts against that dependency's circuit breaker.
    public let dependency: String?

    private init(kind: Kind, message: String, retryAfter: Duration? = nil, reason: String? = nil, dependency: String? = nil) {
        self.kind = kind
        self.message = message
        self.retryAfter = retryAfter
        self.reason = reason
        self.dependency = dependency
    }

    /// A failure worth retrying.
    public static func transient(_ message: String, retryAfter: Duration? = nil) -> JobError {
        JobError(kind: .transient, message: message, retryAfter: retryAfter)
    }

    /// An external dependency failed (connection refused, timeout, 5xx of an API): transient, and
    /// counted by that dependency's circuit breaker.
    public static func dependencyFailure(_ dependency: String, _ message: String, retryAfter: Duration? = nil) -> JobError {
        JobError(kind: .transient, message: message, retryAfter: retryAfter, dependency: dependency)
    }

    /// A failure no retry can fix.
    public static func permanent(_ message: String) -> JobError {
        JobError(kind: .permanent, message: message)
    }

    /// A refusal by policy; `reason` is machine-readable (`rate_limited`).
    public static func rejected(reason: String, message: String, retryAfter: Duration? = nil) -> JobError {
        JobError(kind: .rejected, message: message, retryAfter: retryAfter, reason: reason)
    }

    /// The job type is declared by a service module but has no handler in this build.
    public static func notImplemented(_ type: String) -> JobError {
        .permanent("not implemented: job type '\(type)' has no handler in this worker version")
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}
