/// How many times a job is retried after a transient failure, and how long it waits in between.
///
/// The delay before retry `n` (1-based) is drawn uniformly from `[0, min(maximumDelay, baseDelay * 2^(n-1))]`
/// ("full jitter"), so a burst of failures spreads out instead of retrying in lock-step.
/// With the defaults (3 retries, 1 s base, 5 min cap) the upper bounds are 1 s, 2 s and 4 s.
public struct RetryPolicy: Sendable, Hashable {
    /// Retries after the first attempt; 0 sends the first transient failure to the dead letters.
    public var maximumRetries: Int
    /// Upper bound of the first retry's delay.
    public var baseDelay: Duration
    /// Cap of every delay.
    public var maximumDelay: Duration

    public init(maximumRetries: Int = 3, baseDelay: Duration = .seconds(1), maximumDelay: Duration = .seconds(300)) {
        self.maximumRetries = max(0, maximumRetries)
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
    }

    /// The default: 3 retries, full jitter from 1 s doubling, capped at 5 minutes.
    public static let `default` = RetryPolicy()

    /// No retries at all.
    public static let none = RetryPolicy(maximumRetries: 0)

    /// Whether a job that just failed its attempt number `attempt` (1-based) may run again.
    public func allowsRetry(afterAttempt attempt: Int) -> Bool {
        attempt <= self.maximumRetries
    }

    /// The upper bound of the delay before retry number `retry` (1-based).
    public func delayCeiling(retry: Int) -> Duration {
        let exponent = min(max(retry - 1, 0), 40)
        let base = Double(self.baseDelay.components.seconds) + Double(self.baseDelay.components.attoseconds) / 1e18
        let cap = Double(self.maximumDelay.components.seconds) + Double(self.maximumDelay.components.attoseconds) / 1e18
        return .milliseconds(Int64(min(cap, base * pow2(exponent)) * 1000))
    }

    /// The delay before retry number `retry`, drawn with full jitter from `generator`.
    public func delay(retry: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = self.delayCeiling(retry: retry).milliseconds
        guard ceiling > 0 else { return .zero }
        return .milliseconds(Int64.random(in: 0...ceiling, using: &generator))
    }
}

private func pow2(_ n: Int) -> Double {
    var value = 1.0
    for _ in 0..<n { value *= 2 }
    return value
}

extension Duration {
    /// Whole milliseconds (truncated).
    public var milliseconds: Int64 {
        self.components.seconds * 1000 + self.components.attoseconds / 1_000_000_000_000_000
    }
}
