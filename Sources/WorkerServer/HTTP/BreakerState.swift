/// The state of one circuit breaker, as the dashboard, `/api/breakers` and `/metrics` show it.
public struct BreakerState: Sendable, Codable, Equatable {
    /// The dependency the breaker guards, e.g. `smtp` or `sms.nhn` (from configuration, bounded).
    public var name: String
    /// `closed`, `half_open` or `open`.
    public var state: String
    /// Consecutive failures counted now, when the breaker tracks them.
    public var failures: Int?

    /// Creates a breaker state.
    public init(name: String, state: String, failures: Int? = nil) {
        self.name = name
        self.state = state
        self.failures = failures
    }

    /// The state as a number for a gauge: 0 closed, 1 half-open, 2 open.
    public var gaugeValue: Double {
        switch self.state {
        case "open": return 2
        case "half_open", "half-open": return 1
        default: return 0
        }
    }
}
