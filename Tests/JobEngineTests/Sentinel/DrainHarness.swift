import Foundation
import NIOConcurrencyHelpers
import RESP
import RedisClient
import TestSupport
import Testing

@testable import JobEngine

/// The arguments of the counted job: its sequence number.
struct CountedJob: Codable, Sendable {
    var n: Int
}

/// Which jobs ran how often, and the longest time without a first run (progress).
final class RunLedger: Sendable {
    private struct State {
        var runs: [Int]
        /// Enqueues the producer saw acknowledged (as asked: by the master, or by replicas too).
        var acknowledged: [Bool]
        var enqueueDone = false
        var distinct = 0
        var lastProgress = ContinuousClock.now
        var longestStall: Duration = .zero
    }
    private let state: NIOLockedValueBox<State>

    init(jobs: Int) {
        self.state = NIOLockedValueBox(
            State(runs: Array(repeating: 0, count: jobs), acknowledged: Array(repeating: false, count: jobs)))
    }

    /// The producer's enqueue of `range` was acknowledged.
    func acknowledged(_ range: Range<Int>) {
        self.state.withLockedValue { state in
            for n in range { state.acknowledged[n] = true }
        }
    }

    /// The producer gave up or finished.
    func finishEnqueueing() { self.state.withLockedValue { $0.enqueueDone = true } }

    /// Enqueueing is over and every acknowledged job ran.
    var isComplete: Bool {
        self.state.withLockedValue { state in
            state.enqueueDone && !zip(state.runs, state.acknowledged).contains { $0.0 == 0 && $0.1 }
        }
    }

    /// Jobs whose enqueue was never acknowledged (the producer ran out of time).
    var unacknowledged: Int { self.state.withLockedValue { $0.acknowledged.count { !$0 } } }

    func ran(_ n: Int) {
        self.state.withLockedValue { state in
            guard state.runs.indices.contains(n) else { return }
            state.runs[n] += 1
            if state.runs[n] == 1 {
                state.distinct += 1
                let now = ContinuousClock.now
                state.longestStall = max(state.longestStall, now - state.lastProgress)
                state.lastProgress = now
            }
        }
    }

    /// Jobs that ran at least once.
    var distinct: Int { self.state.withLockedValue { $0.distinct } }
    /// Acknowledged jobs that never ran.
    var lost: Int { self.state.withLockedValue { zip($0.runs, $0.acknowledged).count { $0.0 == 0 && $0.1 } } }
    var ranTwice: Int { self.state.withLockedValue { $0.runs.count { $0 > 1 } } }
    var longestStall: Duration { self.state.withLockedValue { $0.longestStall } }

    /// Starts measuring stalls from now (after enqueueing began).
    func markProgress() { self.state.withLockedValue { $0.lastProgress = ContinuousClock.now } }
}

/// What a drain through a disruption did.
struct DrainReport: CustomStringConvertible {
    var scenario: String
    var jobs: Int
    var lost: Int
    var unacknowledged: Int
    var ranTwice: Int
    var longestStall: Duration
    var enqueueRetries: Int

    var description: String {
        let seconds = Double(longestStall.components.seconds) + Double(longestStall.components.attoseconds) / 1e18
        return "\(scenario): jobs \(jobs), lost \(lost) (acknowledged, never run), ran twice \(ranTwice) "
            + "(includes chunks enqueued again after a lost reply), longest time without progress "
            + "\(String(format: "%.1f", seconds)) s, enqueue retries \(enqueueRetries), never acknowledged \(unacknowledged)"
    }
}

/// Enqueues `jobs` counted jobs in chunks (retrying a failed chunk: the enqueue is at-least-once)
/// while two workers, each with its own client, drain the queue; calls `disrupt` once `disruptAfter`
/// jobs ran; waits up to `timeout` for every job to run once.
func drainThroughDisruption(
    _ scenario: String, jobs: Int, redis: RedisConfiguration, durability: EnqueueDurability, minIdle: Duration,
    disruptAfter: Int, timeout: Duration, disrupt: @escaping @Sendable () async throws -> Void
) async throws -> DrainReport {
    let keys = TestEnv.queue(scenario.replacingOccurrences(of: " ", with: "_"))
    let ledger = RunLedger(jobs: jobs)
    var registry = JobRegistry()
    registry.register(JobDefinition<CountedJob>(name: "counted")) { args, _ in
        ledger.ran(args.n)
        return JobNoResult()
    }
    let retries = NIOLockedValueBox(0)
    func configuration(_ worker: String) -> EngineConfiguration {
        var configuration = TestEnv.engineConfiguration(
            keys, concurrency: 32, worker: "\(worker)-\(UUID().uuidString.prefix(6))")
        configuration.minIdle = minIdle
        configuration.heartbeatInterval = .seconds(2)
        configuration.reclaimInterval = .seconds(5)
        configuration.shutdownGracePeriod = .seconds(5)
        return configuration
    }
    return try await withClient(redis) { producerClient in
        try await withClient(redis) { first in
            try await withClient(redis) { second in
                let engines = [
                    RunningEngine(configuration: configuration("w1"), registry: registry, client: first),
                    RunningEngine(configuration: configuration("w2"), registry: registry, client: second),
                ]
                let producer = JobProducer(client: producerClient)
                let clock = ContinuousClock()
                let deadline = clock.now.advanced(by: timeout)
                ledger.markProgress()
                let outcome: Result<Void, any Error> = await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for start in stride(from: 0, to: jobs, by: 250) {
                            let range = start..<min(start + 250, jobs)
                            let chunk = range.map { CountedJob(n: $0) }
                            while clock.now < deadline {
                                do {
                                    try await producer.enqueueBulk(
                                        queue: keys.stream, type: "counted", arguments: chunk,
                                        options: .init(durability: durability))
                                    ledger.acknowledged(range)
                                    break
                                } catch {
                                    retries.withLockedValue { $0 += 1 }
                                    try? await Task.sleep(for: .milliseconds(200))
                                }
                            }
                        }
                        ledger.finishEnqueueing()
                    }
                    do {
                        try await waitUntil("\(disruptAfter) jobs to run", timeout: timeout) {
                            ledger.distinct >= disruptAfter
                        }
                        try await disrupt()
                        try await waitUntil("every acknowledged job to run", timeout: deadline - clock.now) {
                            ledger.isComplete
                        }
                        await group.waitForAll()
                        return .success(())
                    } catch {
                        group.cancelAll()
                        return .failure(error)
                    }
                }
                for engine in engines { await engine.stop() }
                let report = DrainReport(
                    scenario: scenario, jobs: jobs, lost: ledger.lost, unacknowledged: ledger.unacknowledged,
                    ranTwice: ledger.ranTwice,
                    longestStall: ledger.longestStall, enqueueRetries: retries.withLockedValue { $0 })
                print(report)
                if case .failure(let error) = outcome, !(error is TestFailure) { throw error }
                _ = try? await producerClient.send(RESPCommand("DEL", [keys.stream, keys.results]))
                return report
            }
        }
    }
}
