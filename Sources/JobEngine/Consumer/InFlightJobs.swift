import NIOConcurrencyHelpers

/// The jobs a queue consumer is running: slots, deadlines, and how to cancel each one.
///
/// Thread-safe; the decisions are in ``StateMachine``, this class runs them under one lock and
/// resumes the waiters they name. The reader waits here for free slots, the heartbeat reads the
/// entry IDs, the watchdog (``runWatchdog(clock:until:)``) cancels jobs past their deadline, and
/// shutdown (``drain(gracePeriod:hardStop:clock:)``) waits for the slots to empty.
///
/// Jobs run as children of the consumer's task group; one is cancelled through the handle of its
/// own task (``TaskHandle``), registered only while its handler runs.
final class InFlightJobs: Sendable {
    private struct State {
        var machine: StateMachine<TaskHandle>
        var slotWaiter: CheckedContinuation<Void, Never>?
        var nextWaiterID = 0
        var emptyWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state: NIOLockedValueBox<State>
    /// Wakes the watchdog when a deadline earlier than its next wake-up appears.
    private let watchdogWake = AsyncSignal(latching: false)

    init(limit: Int) {
        self.state = NIOLockedValueBox(State(machine: StateMachine(limit: limit)))
    }

    var count: Int { self.state.withLockedValue { $0.machine.count } }

    /// Jobs running (not waiting for their outcome to be written).
    var running: Int { self.state.withLockedValue { $0.machine.running } }

    /// Free slots now, without waiting.
    var freeSlotsNow: Int { self.state.withLockedValue { $0.machine.freeSlots } }

    /// Keys of the jobs holding a slot: entry IDs, lane-prefixed off the `default` lane (``LaneEntry``).
    var entryIDs: [String] { self.state.withLockedValue { Array($0.machine.jobs.keys) } }

    /// Takes a slot for each entry not already running here; returns the IDs that got one.
    func add(_ entryIDs: some Sequence<String>) -> [String] {
        self.state.withLockedValue { $0.machine.add(entryIDs) }
    }

    /// Frees the slots of jobs whose outcome is written (or that record none).
    func remove(_ entryIDs: some Sequence<String>) {
        let (slot, empty) = self.state.withLockedValue { state -> (CheckedContinuation<Void, Never>?, [CheckedContinuation<Void, Never>]) in
            let action = state.machine.remove(entryIDs)
            var slot: CheckedContinuation<Void, Never>?
            if action.resumeSlotWaiter {
                slot = state.slotWaiter
                state.slotWaiter = nil
            }
            var empty: [CheckedContinuation<Void, Never>] = []
            if action.resumeEmptyWaiters && !state.emptyWaiters.isEmpty {
                empty = Array(state.emptyWaiters.values)
                state.emptyWaiters.removeAll()
            }
            return (slot, empty)
        }
        slot?.resume()
        for waiter in empty { waiter.resume() }
    }

    /// The job's outcome was handed to the recorder: its slot is free for the next job while
    /// the outcome waits to be written (see ``StateMachine``).
    func handOver(_ entryID: String) {
        let waiter = self.state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            guard state.machine.handOver(entryID) else { return nil }
            defer { state.slotWaiter = nil }
            return state.slotWaiter
        }
        waiter?.resume()
    }

    /// The job's handler starts on the current task; the watchdog cancels it past `deadline`.
    func startRun(_ entryID: String, deadline: Duration) {
        guard let handle = TaskHandle.current else { return }
        let action = self.state.withLockedValue { $0.machine.startRun(entryID, deadline: deadline, handle: handle) }
        if action == .wakeWatchdog { self.watchdogWake.signal() }
    }

    /// The job's handler returned (it can no longer be cancelled); returns whether it timed out.
    func endRun(_ entryID: String) -> Bool {
        self.state.withLockedValue { $0.machine.endRun(entryID) }
    }

    /// Returns the number of free slots, waiting until there are at least `minimum` (bounded by
    /// the limit). A consumer that just read a full batch asks for more, so a saturated queue is
    /// read in large batches rather than one entry per finished job.
    ///
    /// Returns 0 when woken by ``wakeSlotWaiter()`` (stop) or cancellation with no slot free.
    func waitForFreeSlots(minimum: Int = 1) async -> Int {
        if let free = self.state.withLockedValue({ $0.machine.claimSlots(minimum: minimum) }) { return free }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = self.state.withLockedValue { state -> Bool in
                    if state.machine.claimSlots(minimum: minimum) != nil || Task.isCancelled { return true }
                    state.slotWaiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            self.wakeSlotWaiter()
        }
        return self.state.withLockedValue { $0.machine.freeSlots }
    }

    /// Wakes a pending slot wait (used on shutdown so the reader can exit).
    func wakeSlotWaiter() {
        let waiter = self.state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            _ = state.machine.cancelSlotWait()
            defer { state.slotWaiter = nil }
            return state.slotWaiter
        }
        waiter?.resume()
    }

    /// Waits until no job holds a slot, or the task is cancelled.
    func waitUntilEmpty() async {
        let id = self.state.withLockedValue { state -> Int in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = self.state.withLockedValue { state -> Bool in
                    if state.machine.count == 0 || Task.isCancelled { return true }
                    state.emptyWaiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            self.state.withLockedValue { $0.emptyWaiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Cancels the jobs past their deadline (marked as timed out); returns the next deadline.
    ///
    /// Handles are cancelled under the lock, so a job cannot end (``endRun(_:)``) while its task
    /// is being cancelled; a job's cancellation handlers must therefore not use this object.
    @discardableResult
    func cancelExpired(now: Duration) -> Duration? {
        self.state.withLockedValue { state in
            let (cancel, next) = state.machine.expire(now: now)
            for handle in cancel { handle.cancel() }
            return next
        }
    }

    /// Cancels every job whose handler runs (grace period over); returns how many.
    @discardableResult
    func cancelAll() -> Int {
        self.state.withLockedValue { state in
            let handles = state.machine.runningHandles()
            for handle in handles { handle.cancel() }
            return handles.count
        }
    }

    /// Cancels jobs as their deadlines pass, sleeping until the earliest one (woken when an
    /// earlier one appears), until `done` is signalled.
    func runWatchdog(clock: EngineClock, until done: AsyncSignal) async {
        while !done.isSignalled && !Task.isCancelled {
            let next = self.cancelExpired(now: clock.now)
            let wake = self.watchdogWake
            await clock.sleep(until: next) {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await wake.wait() }
                    group.addTask { await done.wait() }
                    await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    /// What shutdown did with the running jobs.
    enum DrainResult: Equatable {
        /// Every job finished within the grace period.
        case finished
        /// The grace period ended: `cancelled` handlers were cancelled; `left` slots were still
        /// taken after the hard stop.
        case cancelled(cancelled: Int, left: Int)
    }

    /// Lets running jobs finish within `gracePeriod`, then cancels them and waits up to `hardStop`.
    func drain(gracePeriod: Duration, hardStop: Duration, clock: EngineClock) async -> DrainResult {
        await clock.sleep(until: clock.now + gracePeriod) { await self.waitUntilEmpty() }
        if self.count == 0 { return .finished }
        let cancelled = self.cancelAll()
        await clock.sleep(until: clock.now + hardStop) { await self.waitUntilEmpty() }
        return .cancelled(cancelled: cancelled, left: self.count)
    }

    /// Wakes the watchdog (used when it should notice `done`).
    func wakeWatchdog() { self.watchdogWake.signal() }
}

/// The task running a job, to cancel it while its handler runs.
///
/// `UnsafeCurrentTask` is only valid while its task runs: ``InFlightJobs`` holds one only between
/// ``InFlightJobs/startRun(_:deadline:)`` and ``InFlightJobs/endRun(_:)``, both called by that
/// task, and cancels under the same lock, so a handle is never used after its task ended. This
/// costs nothing per job, where a task (or a task group) racing each job against its deadline
/// would cost two more tasks per job.
struct TaskHandle: @unchecked Sendable {
    private let task: UnsafeCurrentTask

    static var current: TaskHandle? {
        withUnsafeCurrentTask { $0.map(TaskHandle.init(task:)) }
    }

    func cancel() { self.task.cancel() }
}
