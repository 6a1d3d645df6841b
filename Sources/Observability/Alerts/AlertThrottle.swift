/// Decides when a burst of alerts becomes one message: the first alert of a window goes out at
/// once; the rest of that window are counted and go out as one summary when the window ends.
///
/// Pure: the caller passes the time (ms), so tests drive it with a fake clock.
public struct AlertThrottle: Sendable {
    /// What to send now.
    public enum Decision: Sendable, Equatable {
        /// Send this alert as it is.
        case send
        /// Counted for the summary; send nothing now.
        case suppress
    }

    public let intervalMilliseconds: Int64
    private var windowStart: Int64?
    private(set) var suppressed = 0
    private(set) var suppressedSamples: [String] = []

    public init(intervalMilliseconds: Int64) {
        self.intervalMilliseconds = intervalMilliseconds
    }

    /// Registers an alert at `now`.
    public mutating func alert(_ text: String, now: Int64) -> Decision {
        if let start = self.windowStart, now - start < self.intervalMilliseconds {
            self.suppressed += 1
            if self.suppressedSamples.count < 5 { self.suppressedSamples.append(text) }
            return .suppress
        }
        self.windowStart = now
        return .send
    }

    /// At `now`, the summary of alerts suppressed in a finished window (and resets it), if any.
    public mutating func summaryIfDue(now: Int64) -> (count: Int, samples: [String])? {
        guard let start = self.windowStart, now - start >= self.intervalMilliseconds, self.suppressed > 0 else { return nil }
        let summary = (self.suppressed, self.suppressedSamples)
        self.suppressed = 0
        self.suppressedSamples = []
        self.windowStart = nil
        return summary
    }
}
