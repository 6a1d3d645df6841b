import Foundation
import TestSupport

/// Which jobs of a drain through a `kill -9` ran how often, which enqueues the producer saw
/// acknowledged (and whether that acknowledgement included `WAIT` for a replica), and the longest
/// time without a first run.
final class KillLedger: Sendable {
    /// How the producer's enqueue of a job was acknowledged.
    enum Acknowledgement: Sendable { case none, master, replica }

    private struct State {
        var runs: [Int]
        var acknowledged: [Acknowledgement]
        var enqueueDone = false
        var distinct = 0
        var lastProgress = ContinuousClock.now
        var longestStall: Duration = .zero
    }
    private let state: LockedBox<State>

    init(jobs: Int) {
        self.state = LockedBox(
            State(runs: Array(repeating: 0, count: jobs), acknowledged: Array(repeating: .none, count: jobs)))
    }

    /// The producer's enqueue of `range` was acknowledged as `how`.
    func acknowledged(_ range: Range<Int>, _ how: Acknowledgement) {
        self.state.withLock { state in
            for n in range { state.acknowledged[n] = how }
        }
    }

    func finishEnqueueing() { self.state.withLock { $0.enqueueDone = true } }

    /// Enqueueing is over and every acknowledged job ran.
    var isComplete: Bool {
        self.state.withLock { state in
            state.enqueueDone && !zip(state.runs, state.acknowledged).contains { $0.0 == 0 && $0.1 != .none }
        }
    }

    /// Enqueueing is over and every job acknowledged by a replica ran (the others may be lost).
    var isCompleteForReplicaAcknowledged: Bool {
        self.state.withLock { state in
            state.enqueueDone && !zip(state.runs, state.acknowledged).contains { $0.0 == 0 && $0.1 == .replica }
        }
    }

    func ran(_ n: Int) {
        self.state.withLock { state in
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

    /// Starts measuring stalls from now.
    func markProgress() { self.state.withLock { $0.lastProgress = ContinuousClock.now } }

    var distinct: Int { self.state.withLock { $0.distinct } }
    var ranTwice: Int { self.state.withLock { $0.runs.count { $0 > 1 } } }
    var longestStall: Duration { self.state.withLock { $0.longestStall } }
    var unacknowledged: Int { self.state.withLock { $0.acknowledged.count { $0 == .none } } }
    func acknowledgedCount(_ how: Acknowledgement) -> Int {
        self.state.withLock { $0.acknowledged.count { $0 == how } }
    }

    /// Jobs acknowledged as `how` that never ran.
    func lost(_ how: Acknowledgement) -> Int {
        self.state.withLock { zip($0.runs, $0.acknowledged).count { $0.0 == 0 && $0.1 == how } }
    }
}
