import Foundation
import Logging
import NIOConcurrencyHelpers
import TestSupport
import Testing

@testable import JobEngine
@testable import Observability
@testable import Policies
@testable import Secrets

@Suite("Circuit breaker state machine on a mock clock")
struct CircuitBreakerTests {
    static func configuration() -> CircuitBreakerConfiguration {
        var configuration = CircuitBreakerConfiguration()
        configuration.minimumCalls = 10
        configuration.failureRateThreshold = 0.5
        configuration.consecutiveFailures = 5
        configuration.window = .seconds(60)
        configuration.openDuration = .seconds(30)
        configuration.halfOpenProbes = 2
        configuration.halfOpenRetryDelay = .seconds(1)
        configuration.probeTimeout = .seconds(120)
        return configuration
    }

    @Test("N consecutive failures open it; it rejects until the probe time")
    func consecutiveFailures() {
        var breaker = CircuitBreaker(configuration: Self.configuration())
        var now: Int64 = 1_000_000
        for _ in 0..<4 {
            #expect(breaker.decide(now: now).decision == .allow)
            #expect(breaker.recordFailure(now: now) == nil)
            now += 100
        }
        #expect(breaker.decide(now: now).decision == .allow)
        let transition = breaker.recordFailure(now: now)
        #expect(transition?.from == .closed && transition?.to == .open && transition?.reason == "5 consecutive failures")
        #expect(breaker.state == .open)
        #expect(breaker.decide(now: now + 29_999).decision == .reject(retryAtMilliseconds: now + 30_000))
        #expect(breaker.peek(now: now + 30_000) == .probe)
        #expect(breaker.state == .open, "peek changes nothing")
    }

    @Test("a success resets the consecutive count; the failure rate trips only with the minimum calls")
    func failureRate() {
        var breaker = CircuitBreaker(configuration: Self.configuration())
        let now: Int64 = 5_000_000
        // Alternate failure/success: never 5 in a row; 50 % after 10 calls.
        for index in 0..<9 {
            _ = breaker.decide(now: now + Int64(index))
            let transition = index % 2 == 0 ? breaker.recordFailure(now: now + Int64(index)) : breaker.recordSuccess(now: now + Int64(index))
            #expect(transition == nil, "call \(index)")
        }
        #expect(breaker.windowCounts(now: now + 9) == (calls: 9, failures: 5))
        let transition = breaker.recordFailure(now: now + 10)
        #expect(transition?.to == .open && transition?.reason == "60% of 10 calls failed")
    }

    @Test("calls older than the window no longer count")
    func windowRollover() {
        var breaker = CircuitBreaker(configuration: Self.configuration())
        var now: Int64 = 10_000_000
        for _ in 0..<4 { _ = breaker.recordFailure(now: now) }
        for _ in 0..<5 { _ = breaker.recordSuccess(now: now) }
        #expect(breaker.windowCounts(now: now) == (calls: 9, failures: 4))
        now += 61_000
        #expect(breaker.windowCounts(now: now) == (calls: 0, failures: 0))
        // 4 failures a minute ago + 1 now would be 50 % of 10 within a window: not any more.
        #expect(breaker.recordFailure(now: now) == nil)
        #expect(breaker.state == .closed)
    }

    @Test("half-open lets a few probes through; their successes close it")
    func halfOpenCloses() {
        var breaker = CircuitBreaker(configuration: Self.configuration())
        var now: Int64 = 0
        for _ in 0..<5 { _ = breaker.recordFailure(now: now) }
        now += 30_000
        let first = breaker.decide(now: now)
        #expect(first.decision == .probe && first.transition?.to == .halfOpen)
        #expect(breaker.decide(now: now).decision == .probe)
        #expect(breaker.decide(now: now).decision == .reject(retryAtMilliseconds: now + 1000), "only 2 probes at once")
        #expect(breaker.recordSuccess(now: now + 10) == nil)
        #expect(breaker.decide(now: now + 10).decision == .reject(retryAtMilliseconds: now + 1010), "1 success + 1 in flight = 2")
        let closed = breaker.recordSuccess(now: now + 20)
        #expect(closed?.from == .halfOpen && closed?.to == .closed)
        #expect(breaker.decide(now: now + 20).decision == .allow)
    }

    @Test("a failed probe reopens it for another open period; lost probes free their slot")
    func halfOpenReopens() {
        var breaker = CircuitBreaker(configuration: Self.configuration())
        var now: Int64 = 0
        for _ in 0..<5 { _ = breaker.recordFailure(now: now) }
        now += 30_000
        #expect(breaker.decide(now: now).decision == .probe)
        let reopened = breaker.recordFailure(now: now + 5)
        #expect(reopened?.to == .open && reopened?.reason == "a probe call failed")
        #expect(breaker.decide(now: now + 5).decision == .reject(retryAtMilliseconds: now + 30_005))
        now += 30_005
        #expect(breaker.decide(now: now).decision == .probe)
        #expect(breaker.decide(now: now).decision == .probe)
        #expect(breaker.decide(now: now + 1).decision == .reject(retryAtMilliseconds: now + 1001))
        breaker.recordIgnored()
        #expect(breaker.decide(now: now + 2).decision == .probe, "an ignored outcome frees its slot")
        #expect(breaker.decide(now: now + 120_002).decision == .probe, "probes that never report time out")
    }

    @Test("late reports while open change nothing")
    func lateReports() {
        var breaker = CircuitBreaker(configuration: Self.configuration())
        for _ in 0..<5 { _ = breaker.recordFailure(now: 0) }
        #expect(breaker.recordSuccess(now: 10) == nil)
        #expect(breaker.recordFailure(now: 10) == nil)
        #expect(breaker.state == .open && breaker.openedAtMilliseconds == 0)
    }

    @Test("the policy defers jobs of an open dependency until the probe time, and the registry reports it")
    func policyDefers() async {
        let clock = NIOLockedValueBox<Int64>(1_000_000)
        var configuration = Self.configuration()
        configuration.consecutiveFailures = 2
        let registry = CircuitBreakerRegistry(configuration: configuration, logger: Logger(label: "t"), now: { clock.withLockedValue { $0 } })
        let policy = CircuitBreakerPolicy(breakers: registry)
        let job = JobAdmission(queue: "q", type: "send_email", jobID: "1", attempt: 1, userID: nil, dependencies: ["smtp"], arguments: Data())
        let free = JobAdmission(queue: "q", type: "canary", jobID: "2", attempt: 1, userID: nil, dependencies: [], arguments: Data())
        #expect(await policy.admit(job) == .proceed)
        await policy.completed(job, outcome: .dependencyFailed("smtp"))
        await policy.completed(job, outcome: .failed)  // not the dependency's fault: not counted
        await policy.completed(job, outcome: .dependencyFailed("smtp"))
        #expect(registry.snapshot(of: "smtp").state == .open)
        #expect(await policy.admit(job) == .deferred(untilMilliseconds: 1_030_000, reason: "circuit breaker open for smtp"))
        #expect(await policy.admit(free) == .proceed)
        let snapshot = registry.snapshot(of: "smtp")
        #expect(snapshot.opened == 1 && snapshot.deferred == 1 && snapshot.probeAtMilliseconds == 1_030_000)
        clock.withLockedValue { $0 = 1_030_000 }
        #expect(await policy.admit(job) == .proceed)
        #expect(registry.snapshot(of: "smtp").state == .halfOpen)
        await policy.completed(job, outcome: .succeeded)
        #expect(await policy.admit(job) == .proceed)
        await policy.completed(job, outcome: .succeeded)
        #expect(registry.snapshots().map(\.state) == [.closed])
    }
}
