import NIOConcurrencyHelpers

/// A signal tasks can await without polling: ``signal()`` wakes every waiter.
///
/// A *latching* signal stays set once signalled (a stop request: later waits return at once).
/// A non-latching one remembers at most one signal that arrived while nobody waited, and the
/// next wait consumes it (a wake-up: "the earliest deadline changed").
///
/// Thread-safe. A wait also returns when its task is cancelled.
final class AsyncSignal: Sendable {
    private struct State {
        var signalled = false
        var nextWaiterID = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let latching: Bool
    private let state = NIOLockedValueBox(State())

    init(latching: Bool) {
        self.latching = latching
    }

    /// Whether a signal is set (always `true` after the first signal of a latching one).
    var isSignalled: Bool { self.state.withLockedValue { $0.signalled } }

    /// Wakes every waiter; with no waiter, the signal is kept for the next wait.
    func signal() {
        let waiters = self.state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            let waiters = Array(state.waiters.values)
            state.waiters.removeAll()
            state.signalled = self.latching || waiters.isEmpty
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns when signalled (at once if a signal is set) or when the task is cancelled.
    func wait() async {
        let id = self.state.withLockedValue { state -> Int in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = self.state.withLockedValue { state -> Bool in
                    if state.signalled {
                        if !self.latching { state.signalled = false }
                        return true
                    }
                    if Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            self.state.withLockedValue { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
