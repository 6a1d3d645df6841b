/// When a ``CircuitBreaker`` opens and how it recovers. Defaults follow resilience4j's
/// (50 % failures over at least 10 calls, 3 probe calls) with gobreaker's consecutive-failure
/// trip (5 in a row) for slow traffic, and a 60 s time window.
public struct CircuitBreakerConfiguration: Sendable, Hashable {
    /// Open when at least this share (0...1) of the calls in the window failed...
    public var failureRateThreshold: Double = 0.5
    /// ...and the window holds at least this many calls.
    public var minimumCalls: Int = 10
    /// Length of the sliding window of calls (kept as per-second buckets).
    public var window: Duration = .seconds(60)
    /// Open after this many failures in a row, whatever the rate.
    public var consecutiveFailures: Int = 5
    /// Time spent open before probe calls are let through.
    public var openDuration: Duration = .seconds(30)
    /// Probe calls allowed at once while half-open; this many successes close the breaker.
    public var halfOpenProbes: Int = 3
    /// While half-open and all probes are out, other calls wait this long before asking again.
    public var halfOpenRetryDelay: Duration = .seconds(1)
    /// A probe that never reports (its job was lost) frees its slot after this long.
    public var probeTimeout: Duration = .seconds(120)

    public init() {}
}
