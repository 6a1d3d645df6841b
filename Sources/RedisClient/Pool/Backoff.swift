import NIOCore

/// Reconnect delays: exponential with full jitter.
///
/// | attempt | upper bound |
/// |---------|-------------|
/// | 1       | 50 ms       |
/// | 2       | 100 ms      |
/// | 3       | 200 ms      |
/// | ...     | doubling    |
/// | >= 8    | 5 s (cap)   |
///
/// The delay is drawn uniformly from `[upper/2, upper]`, so many clients reconnecting after a
/// server restart spread out instead of arriving together.
public struct Backoff: Sendable, Hashable {
    public var initial: TimeAmount
    public var maximum: TimeAmount

    public init(initial: TimeAmount = .milliseconds(50), maximum: TimeAmount = .seconds(5)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The delay before attempt number `attempt` (1-based), drawn with `generator`.
    public func delay(attempt: Int, using generator: inout some RandomNumberGenerator) -> TimeAmount {
        let exponent = min(max(attempt - 1, 0), 30)
        let upper = min(self.initial.nanoseconds.multipliedReportingOverflow(by: Int64(1) << exponent).partialValue,
                        self.maximum.nanoseconds)
        let bounded = upper <= 0 ? self.maximum.nanoseconds : upper
        return .nanoseconds(Int64.random(in: (bounded / 2)...bounded, using: &generator))
    }
}
