extension InFlightJobs {
    /// The bookkeeping of a consumer's jobs: slots, deadlines, timeouts. Pure: no clock, no I/O,
    /// no locks; times are ``EngineClock`` durations, and each change returns what to do.
    ///
    /// A job is tracked from ``add(_:)`` until ``remove(_:)`` (its outcome written), so the
    /// heartbeat renews it and shutdown waits for it. It holds one of the `limit` slots while it
    /// runs; once its outcome is handed to the recorder (``handOver(_:)``) it waits for the write
    /// without a slot, so the next jobs run while a batch is written. Up to `limit` outcomes may
    /// wait so; each one beyond takes a slot again, so a slow Redis slows the reader down instead
    /// of piling up outcomes. A job can be cancelled only while its handler runs
    /// (``startRun(_:deadline:handle:)`` to ``endRun(_:)``), never while its outcome is written.
    struct StateMachine<Handle> {
        struct Job {
            /// While the handler runs: when the watchdog cancels it.
            var deadline: Duration?
            /// While the handler runs: how to cancel it.
            var handle: Handle?
            var timedOut = false
            /// Its outcome waits for the recorder's write.
            var recording = false

            mutating func startRun(deadline: Duration, handle: Handle) {
                self.deadline = deadline
                self.handle = handle
            }

            /// Returns whether the watchdog timed the run out.
            mutating func endRun() -> Bool {
                self.deadline = nil
                self.handle = nil
                return self.timedOut
            }

            /// Returns `false` when it was recording already.
            mutating func startRecording() -> Bool {
                defer { self.recording = true }
                return !self.recording
            }
        }

        private(set) var jobs: [String: Job] = [:]
        /// Slots in all.
        let limit: Int
        /// The reader waits until `jobs.count <= slotWaitThreshold`.
        private(set) var slotWaitThreshold: Int?
        /// When the watchdog wakes up next (`nil`: only when told).
        private(set) var watchdogWake: Duration?
        /// Jobs whose outcome waits for the recorder.
        private(set) var recording = 0

        init(limit: Int) {
            self.limit = max(1, limit)
        }

        /// Jobs tracked: running, or waiting for their outcome to be written.
        var count: Int { self.jobs.count }
        /// Jobs running (not yet handed to the recorder).
        var running: Int { self.jobs.count - self.recording }
        /// Slots taken: the running jobs, and the outcomes waiting beyond `limit`.
        var occupied: Int { self.running + max(0, self.recording - self.limit) }
        var freeSlots: Int { max(0, self.limit - self.occupied) }

        /// Takes a slot for each entry not already running here; returns the IDs that got one.
        mutating func add(_ entryIDs: some Sequence<String>) -> [String] {
            var added: [String] = []
            for id in entryIDs where self.jobs[id] == nil {
                self.jobs[id] = Job()
                added.append(id)
            }
            return added
        }

        /// How many slots the reader may fill now, or `nil` when it must wait for a ``remove(_:)``
        /// that frees at least `minimum` (bounded by the limit). Waiting sets the threshold.
        mutating func claimSlots(minimum: Int) -> Int? {
            let threshold = self.limit - max(1, min(minimum, self.limit))
            if self.occupied <= threshold {
                self.slotWaitThreshold = nil
                return self.freeSlots
            }
            self.slotWaitThreshold = threshold
            return nil
        }

        /// Forgets a pending slot wait (the waiter was woken by stop or cancellation).
        mutating func cancelSlotWait() -> Bool {
            defer { self.slotWaitThreshold = nil }
            return self.slotWaitThreshold != nil
        }

        enum StartAction: Equatable {
            case none
            /// The new deadline is earlier than the watchdog's next wake-up.
            case wakeWatchdog
        }

        /// The job's handler starts: it may be cancelled through `handle` until ``endRun(_:)``.
        mutating func startRun(_ entryID: String, deadline: Duration, handle: Handle) -> StartAction {
            // One lookup per change (each one hashes the entry ID), here and below.
            guard self.jobs[entryID]?.startRun(deadline: deadline, handle: handle) != nil else { return .none }
            if let wake = self.watchdogWake, wake <= deadline { return .none }
            self.watchdogWake = deadline
            return .wakeWatchdog
        }

        /// The job's handler returned; returns whether the watchdog timed it out.
        mutating func endRun(_ entryID: String) -> Bool {
            self.jobs[entryID]?.endRun() ?? false
        }

        /// The job's outcome was handed to the recorder: it frees its slot (see the type's doc);
        /// returns whether the slot waiter should be resumed.
        mutating func handOver(_ entryID: String) -> Bool {
            guard self.jobs[entryID]?.startRecording() == true else { return false }
            self.recording += 1
            return self.takeSlotWaiterIfReady()
        }

        private mutating func takeSlotWaiterIfReady() -> Bool {
            guard let threshold = self.slotWaitThreshold, self.occupied <= threshold else { return false }
            self.slotWaitThreshold = nil
            return true
        }

        /// Whether the watchdog timed the job out.
        func isTimedOut(_ entryID: String) -> Bool { self.jobs[entryID]?.timedOut ?? false }

        struct RemoveAction: Equatable {
            var resumeSlotWaiter = false
            var resumeEmptyWaiters = false
        }

        /// Frees the slots of jobs whose outcome is written (or given up).
        mutating func remove(_ entryIDs: some Sequence<String>) -> RemoveAction {
            for id in entryIDs {
                if let job = self.jobs.removeValue(forKey: id), job.recording { self.recording -= 1 }
            }
            var action = RemoveAction()
            action.resumeSlotWaiter = self.takeSlotWaiterIfReady()
            action.resumeEmptyWaiters = self.jobs.isEmpty
            return action
        }

        /// Marks the running jobs past their deadline as timed out; returns their handles (to
        /// cancel) and sets the watchdog's next wake-up to the earliest deadline left.
        mutating func expire(now: Duration) -> (cancel: [Handle], nextWake: Duration?) {
            var cancel: [Handle] = []
            var next: Duration?
            for (id, job) in self.jobs {
                guard let deadline = job.deadline, !job.timedOut else { continue }
                if deadline <= now {
                    self.jobs[id]!.timedOut = true
                    if let handle = job.handle { cancel.append(handle) }
                } else if next.map({ deadline < $0 }) ?? true {
                    next = deadline
                }
            }
            self.watchdogWake = next
            return (cancel, next)
        }

        /// The handles of every job whose handler runs (grace period over).
        func runningHandles() -> [Handle] {
            self.jobs.values.compactMap(\.handle)
        }
    }
}

extension InFlightJobs.StateMachine: Sendable where Handle: Sendable {}
extension InFlightJobs.StateMachine.Job: Sendable where Handle: Sendable {}
