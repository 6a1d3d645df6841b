import Foundation

/// The answer of one limit check.
public struct RateLimitDecision: Sendable, Hashable {
    /// Whether the job (or the producer's request) may go ahead.
    public let allowed: Bool
    /// Units in the window after this check (including this one when it was allowed and consumed).
    public let used: Int64
    /// The limit checked.
    public let limit: Int64
    /// When denied: the first time (ms since the epoch) at which the same check would pass;
    /// `nil` when allowed, or when the cost alone is above the limit (it never passes).
    public let freesAtMilliseconds: Int64?

    public init(allowed: Bool, used: Int64, limit: Int64, freesAtMilliseconds: Int64?) {
        self.allowed = allowed
        self.used = used
        self.limit = limit
        self.freesAtMilliseconds = freesAtMilliseconds
    }

    /// Seconds until it frees up, rounded up: the `Retry-After` of an HTTP 429.
    public func retryAfterSeconds(now: Int64) -> Int64? {
        self.freesAtMilliseconds.map { max(0, ($0 - now + 999) / 1000) }
    }
}
