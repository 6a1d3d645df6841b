/// A circuit breaker as a pure state machine: no clock, no locks, no I/O. Every call takes the
/// current time (ms) and returns what happened, so tests drive it with a mock clock and the owner
/// (``CircuitBreakerRegistry``) logs transitions.
///
///     closed --(failure rate >= threshold over >= minimumCalls in window,
///               or consecutiveFailures in a row)--> open
///     open   --(openDuration elapsed, on the next call)--> halfOpen
///     halfOpen --(halfOpenProbes successes)--> closed
///     halfOpen --(any probe failure)--> open
///
/// Reports of calls that were admitted before the breaker opened are ignored while it is open.
public struct CircuitBreaker: Sendable {
    /// The breaker's state.
    public enum State: String, Sendable, Hashable {
        case closed
        case open
        case halfOpen = "half_open"
    }

    /// The answer to "may a call go to the dependency now?".
    public enum Decision: Sendable, Hashable {
        /// Closed: go ahead.
        case allow
        /// Half-open: go ahead as one of the probe calls.
        case probe
        /// Open (or half-open with every probe out): ask again at this time (ms).
        case reject(retryAtMilliseconds: Int64)
    }

    /// A change of state, for logs and metrics.
    public struct Transition: Sendable, Hashable {
        public let from: State
        public let to: State
        /// Why, in words (`5 consecutive failures`, `60% of 10 calls failed`...).
        public let reason: String
        public let atMilliseconds: Int64
    }

    struct Bucket: Sendable {
        var second: Int64
        var calls: Int
        var failures: Int
    }

    public let configuration: CircuitBreakerConfiguration
    public private(set) var state: State = .closed
    /// When the breaker last opened (ms); meaningful while open or half-open.
    public private(set) var openedAtMilliseconds: Int64 = 0
    /// Failures in a row while closed.
    public private(set) var consecutiveFailures = 0
    private(set) var probesInFlight = 0
    private(set) var probeSuccesses = 0
    private var lastProbeAt: Int64 = 0
    private var buckets: [Bucket] = []

    public init(configuration: CircuitBreakerConfiguration = .init()) {
        self.configuration = configuration
    }

    /// When probes are let through (ms), while open.
    public var probeAtMilliseconds: Int64 { self.openedAtMilliseconds + self.configuration.openDuration.milliseconds }

    /// Calls and failures in the window ending at `now`.
    public func windowCounts(now: Int64) -> (calls: Int, failures: Int) {
        let oldest = self.oldestSecond(now: now)
        var calls = 0
        var failures = 0
        for bucket in self.buckets where bucket.second >= oldest {
            calls += bucket.calls
            failures += bucket.failures
        }
        return (calls, failures)
    }

    /// What ``decide(now:)`` would answer, without taking a probe slot or changing state.
    public func peek(now: Int64) -> Decision {
        var copy = self
        return copy.decide(now: now).decision
    }

    /// Decides about one call; a `.probe` answer takes one probe slot until its outcome is recorded.
    public mutating func decide(now: Int64) -> (decision: Decision, transition: Transition?) {
        var transition: Transition?
        if self.state == .open {
            guard now >= self.probeAtMilliseconds else { return (.reject(retryAtMilliseconds: self.probeAtMilliseconds), nil) }
            transition = self.move(to: .halfOpen, reason: "open for \(self.configuration.openDuration.milliseconds) ms; probing", now: now)
            self.probesInFlight = 0
            self.probeSuccesses = 0
        }
        switch self.state {
        case .closed:
            return (.allow, transition)
        case .open:
            return (.reject(retryAtMilliseconds: self.probeAtMilliseconds), transition)
        case .halfOpen:
            if self.probesInFlight > 0, now - self.lastProbeAt >= self.configuration.probeTimeout.milliseconds {
                self.probesInFlight = 0  // the probes' outcomes were lost
            }
            guard self.probesInFlight + self.probeSuccesses < self.configuration.halfOpenProbes else {
                return (.reject(retryAtMilliseconds: now + self.configuration.halfOpenRetryDelay.milliseconds), transition)
            }
            self.probesInFlight += 1
            self.lastProbeAt = now
            return (.probe, transition)
        }
    }

    /// Records a successful call.
    public mutating func recordSuccess(now: Int64) -> Transition? {
        switch self.state {
        case .closed:
            self.consecutiveFailures = 0
            self.count(now: now, failed: false)
            return nil
        case .open:
            return nil
        case .halfOpen:
            self.probesInFlight = max(0, self.probesInFlight - 1)
            self.probeSuccesses += 1
            guard self.probeSuccesses >= self.configuration.halfOpenProbes else { return nil }
            self.buckets.removeAll()
            self.consecutiveFailures = 0
            return self.move(to: .closed, reason: "\(self.probeSuccesses) probe calls succeeded", now: now)
        }
    }

    /// Records a failed call of the dependency.
    public mutating func recordFailure(now: Int64) -> Transition? {
        switch self.state {
        case .closed:
            self.consecutiveFailures += 1
            self.count(now: now, failed: true)
            if self.consecutiveFailures >= self.configuration.consecutiveFailures {
                return self.trip("\(self.consecutiveFailures) consecutive failures", now: now)
            }
            let (calls, failures) = self.windowCounts(now: now)
            if calls >= self.configuration.minimumCalls,
               Double(failures) >= self.configuration.failureRateThreshold * Double(calls) {
                return self.trip("\(failures * 100 / calls)% of \(calls) calls failed", now: now)
            }
            return nil
        case .open:
            return nil
        case .halfOpen:
            return self.trip("a probe call failed", now: now)
        }
    }

    /// Frees the probe slot of a call whose outcome says nothing about the dependency
    /// (it failed for another reason, or was stopped by another policy).
    public mutating func recordIgnored() {
        if self.state == .halfOpen { self.probesInFlight = max(0, self.probesInFlight - 1) }
    }

    private mutating func trip(_ reason: String, now: Int64) -> Transition {
        self.openedAtMilliseconds = now
        self.buckets.removeAll()
        self.consecutiveFailures = 0
        self.probesInFlight = 0
        self.probeSuccesses = 0
        return self.move(to: .open, reason: reason, now: now)
    }

    private mutating func move(to state: State, reason: String, now: Int64) -> Transition {
        let transition = Transition(from: self.state, to: state, reason: reason, atMilliseconds: now)
        self.state = state
        return transition
    }

    private func oldestSecond(now: Int64) -> Int64 {
        now / 1000 - max(1, self.configuration.window.milliseconds / 1000) + 1
    }

    private mutating func count(now: Int64, failed: Bool) {
        let second = now / 1000
        let oldest = self.oldestSecond(now: now)
        if let first = self.buckets.first, first.second < oldest {
            self.buckets.removeAll { $0.second < oldest }
        }
        if let last = self.buckets.indices.last, self.buckets[last].second == second {
            self.buckets[last].calls += 1
            if failed { self.buckets[last].failures += 1 }
        } else {
            self.buckets.append(Bucket(second: second, calls: 1, failures: failed ? 1 : 0))
        }
    }
}
