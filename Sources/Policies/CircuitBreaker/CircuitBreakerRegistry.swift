import Foundation
import Logging
import NIOConcurrencyHelpers

/// The circuit breakers of this process, one per dependency, created on first use.
///
/// Thread-safe. Breakers are per worker process (like resilience4j's): each worker learns about a
/// dependency from its own calls, with no Redis round trip on the hot path. Transitions are logged
/// (`circuit breaker opened` at warning, the others at info); ``snapshots()`` is the read API for
/// metrics and the admin API.
public final class CircuitBreakerRegistry: Sendable {
    private struct Entry: Sendable {
        var breaker: CircuitBreaker
        var opened = 0
        var deferred = 0
    }

    private let entries = NIOLockedValueBox<[String: Entry]>([:])
    private let defaultConfiguration: CircuitBreakerConfiguration
    private let overrides: [String: CircuitBreakerConfiguration]
    private let logger: Logger
    /// Wall-clock time in ms since the epoch (deferrals are scheduled in wall time); injected in tests.
    public let now: @Sendable () -> Int64

    public init(
        configuration: CircuitBreakerConfiguration = .init(), overrides: [String: CircuitBreakerConfiguration] = [:],
        logger: Logger, now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    ) {
        self.defaultConfiguration = configuration
        self.overrides = overrides
        self.logger = logger
        self.now = now
    }

    /// Creates the (closed) breakers of `dependencies` now, so metrics and the admin API list every
    /// breaker of the running job types before their first call.
    public func declare(_ dependencies: [String]) {
        self.entries.withLockedValue { entries in
            for dependency in dependencies where entries[dependency] == nil {
                entries[dependency] = Entry(breaker: CircuitBreaker(configuration: self.configuration(for: dependency)))
            }
        }
    }

    /// The state of every breaker declared or used so far, sorted by dependency.
    public func snapshots() -> [CircuitBreakerSnapshot] {
        let now = self.now()
        return self.entries.withLockedValue { entries in
            entries.keys.sorted().map { Self.snapshot($0, entries[$0]!, now: now) }
        }
    }

    /// The state of `dependency`'s breaker (closed if never used).
    public func snapshot(of dependency: String) -> CircuitBreakerSnapshot {
        let now = self.now()
        return self.entries.withLockedValue { entries in
            Self.snapshot(dependency, entries[dependency] ?? Entry(breaker: CircuitBreaker(configuration: self.configuration(for: dependency))), now: now)
        }
    }

    /// Asks every breaker of `dependencies`: `nil` when the call may go ahead (probe slots taken
    /// where half-open), else the time (ms) to try again and the dependency that refused. Probe
    /// slots are taken only when every breaker agrees.
    public func admit(_ dependencies: [String]) -> (retryAtMilliseconds: Int64, dependency: String)? {
        let now = self.now()
        var transitions: [(String, CircuitBreaker.Transition)] = []
        let refusal: (Int64, String)? = self.entries.withLockedValue { entries in
            var latest: (Int64, String)?
            for dependency in dependencies {
                let entry = entries[dependency] ?? Entry(breaker: CircuitBreaker(configuration: self.configuration(for: dependency)))
                if case .reject(let at) = entry.breaker.peek(now: now), at > (latest?.0 ?? Int64.min) {
                    latest = (at, dependency)
                }
            }
            if let latest {
                entries[latest.1, default: Entry(breaker: CircuitBreaker(configuration: self.configuration(for: latest.1)))].deferred += 1
                // Let an open breaker move to half-open on time even though this call waits.
                return latest
            }
            for dependency in dependencies {
                var entry = entries[dependency] ?? Entry(breaker: CircuitBreaker(configuration: self.configuration(for: dependency)))
                let (_, transition) = entry.breaker.decide(now: now)
                if let transition { transitions.append((dependency, transition)) }
                entries[dependency] = entry
            }
            return nil
        }
        for (dependency, transition) in transitions { self.log(dependency, transition) }
        return refusal
    }

    /// Records the outcome of a call to `dependency`: `true` success, `false` failure, `nil` no verdict.
    public func record(_ dependency: String, succeeded: Bool?) {
        let now = self.now()
        let transition: CircuitBreaker.Transition? = self.entries.withLockedValue { entries in
            var entry = entries[dependency] ?? Entry(breaker: CircuitBreaker(configuration: self.configuration(for: dependency)))
            var transition: CircuitBreaker.Transition?
            switch succeeded {
            case true: transition = entry.breaker.recordSuccess(now: now)
            case false: transition = entry.breaker.recordFailure(now: now)
            case nil: entry.breaker.recordIgnored()
            }
            if transition?.to == .open { entry.opened += 1 }
            entries[dependency] = entry
            return transition
        }
        if let transition { self.log(dependency, transition) }
    }

    private func configuration(for dependency: String) -> CircuitBreakerConfiguration {
        self.overrides[dependency] ?? self.defaultConfiguration
    }

    private func log(_ dependency: String, _ transition: CircuitBreaker.Transition) {
        let metadata: Logger.Metadata = [
            "dependency": "\(dependency)", "from": "\(transition.from.rawValue)", "to": "\(transition.to.rawValue)",
            "reason": "\(transition.reason)",
        ]
        switch transition.to {
        case .open: self.logger.warning("circuit breaker opened", metadata: metadata)
        case .halfOpen: self.logger.info("circuit breaker half-open", metadata: metadata)
        case .closed: self.logger.info("circuit breaker closed", metadata: metadata)
        }
    }

    private static func snapshot(_ dependency: String, _ entry: Entry, now: Int64) -> CircuitBreakerSnapshot {
        let counts = entry.breaker.windowCounts(now: now)
        return CircuitBreakerSnapshot(
            dependency: dependency, state: entry.breaker.state, calls: counts.calls, failures: counts.failures,
            probeAtMilliseconds: entry.breaker.state == .open ? entry.breaker.probeAtMilliseconds : nil,
            opened: entry.opened, deferred: entry.deferred)
    }
}
