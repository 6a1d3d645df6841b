import NIOConcurrencyHelpers

/// The jobs a queue consumer is running: slots, deadlines, and the tasks to cancel.
///
/// Thread-safe. The read loop waits here for a free slot; the heartbeat reads the entry IDs;
/// the watchdog cancels jobs past their deadline; shutdown waits until it is empty.
final class InFlightJobs: Sendable {
    private struct Job {
        var task: Task<Void, Never>?
        let deadline: ContinuousClock.Instant
        var timedOut = false
    }

    private struct State {
        var jobs: [String: Job] = [:]
        var slotWaiter: CheckedContinuation<Void, Never>?
        /// The waiter wakes when `jobs.count <= slotWaiterThreshold`.
        var slotWaiterThreshold = 0
        var emptyWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = NIOLockedValueBox(State())

    var count: Int { self.state.withLockedValue { $0.jobs.count } }

    /// Entry IDs of the running jobs.
    var entryIDs: [String] { self.state.withLockedValue { Array($0.jobs.keys) } }

    /// Registers a job about to start. Returns `false` if that entry is already running here.
    func add(_ entryID: String, deadline: ContinuousClock.Instant) -> Bool {
        self.state.withLockedValue { state in
            if state.jobs[entryID] != nil { return false }
            state.jobs[entryID] = Job(task: nil, deadline: deadline)
            return true
        }
    }

    /// Sets a job's deadline once its type (and so its timeout) is known.
    func setDeadline(_ entryID: String, _ deadline: ContinuousClock.Instant) {
        self.state.withLockedValue { state in
            if let job = state.jobs[entryID] {
                state.jobs[entryID] = Job(task: job.task, deadline: deadline, timedOut: job.timedOut)
            }
        }
    }

    /// Records the task running a job (for cancellation); no-op if it already finished.
    func attach(_ entryID: String, task: Task<Void, Never>) {
        self.state.withLockedValue { state in
            state.jobs[entryID]?.task = task
        }
    }

    /// Removes a finished job and wakes whoever waits for a slot or for the end.
    func remove(_ entryID: String) {
        let (slot, empty) = self.state.withLockedValue { state -> (CheckedContinuation<Void, Never>?, [CheckedContinuation<Void, Never>]) in
            state.jobs.removeValue(forKey: entryID)
            var slot: CheckedContinuation<Void, Never>?
            if let waiter = state.slotWaiter, state.jobs.count <= state.slotWaiterThreshold {
                slot = waiter
                state.slotWaiter = nil
            }
            var empty: [CheckedContinuation<Void, Never>] = []
            if state.jobs.isEmpty {
                empty = state.emptyWaiters
                state.emptyWaiters = []
            }
            return (slot, empty)
        }
        slot?.resume()
        for waiter in empty { waiter.resume() }
    }

    /// Returns the number of free slots under `limit`, waiting until there are at least `minimum`.
    ///
    /// A consumer that just read a full batch asks for a larger minimum, so a saturated queue is
    /// read in large batches rather than one entry per finished job.
    func waitForFreeSlots(limit: Int, minimum: Int = 1) async -> Int {
        let threshold = limit - max(1, min(minimum, limit))
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = self.state.withLockedValue { state -> Bool in
                    if state.jobs.count <= threshold || Task.isCancelled { return true }
                    state.slotWaiter = continuation
                    state.slotWaiterThreshold = threshold
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            self.wakeSlotWaiter()
        }
        return max(1, limit - self.count)
    }

    /// Wakes a pending slot wait (used on shutdown so the reader can exit).
    func wakeSlotWaiter() {
        let waiter = self.state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            defer { state.slotWaiter = nil }
            return state.slotWaiter
        }
        waiter?.resume()
    }

    /// Waits until no job runs.
    func waitUntilEmpty() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let empty = self.state.withLockedValue { state -> Bool in
                if state.jobs.isEmpty { return true }
                state.emptyWaiters.append(continuation)
                return false
            }
            if empty { continuation.resume() }
        }
    }

    /// Marks jobs past their deadline as timed out and cancels their tasks.
    func cancelExpired(now: ContinuousClock.Instant) {
        let tasks = self.state.withLockedValue { state -> [Task<Void, Never>] in
            var tasks: [Task<Void, Never>] = []
            for (id, job) in state.jobs where !job.timedOut && job.deadline <= now {
                state.jobs[id]?.timedOut = true
                if let task = job.task { tasks.append(task) }
            }
            return tasks
        }
        for task in tasks { task.cancel() }
    }

    /// Whether the watchdog cancelled this job for running past its deadline.
    func isTimedOut(_ entryID: String) -> Bool {
        self.state.withLockedValue { $0.jobs[entryID]?.timedOut ?? false }
    }

    /// Cancels every running job (grace period over).
    func cancelAll() {
        let tasks = self.state.withLockedValue { $0.jobs.values.compactMap(\.task) }
        for task in tasks { task.cancel() }
    }
}
