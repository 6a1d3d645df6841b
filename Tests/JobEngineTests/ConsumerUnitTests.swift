import NIOConcurrencyHelpers
import TestSupport
import Testing

@testable import JobEngine

/// The consumer's decisions without Redis: slots, deadlines, shutdown, cadences, on a manual clock.
@Suite("In-flight jobs state machine")
struct InFlightStateMachineTests {
    typealias Machine = InFlightJobs.StateMachine<Int>

    @Test func slotsAreTakenOncePerEntryAndFreedOnRemove() {
        var machine = Machine(limit: 4)
        #expect(machine.add(["a", "b", "c"]) == ["a", "b", "c"])
        #expect(machine.add(["c", "d"]) == ["d"], "an entry already running here gets no second slot")
        #expect(machine.freeSlots == 0)
        #expect(machine.claimSlots(minimum: 1) == nil, "full: the reader waits")
        #expect(machine.slotWaitThreshold == 3)
        #expect(machine.remove(["a"]) == .init(resumeSlotWaiter: true, resumeEmptyWaiters: false))
        #expect(machine.slotWaitThreshold == nil)
        #expect(machine.claimSlots(minimum: 1) == 1)
    }

    @Test func saturatedReaderWaitsForItsMinimum() {
        var machine = Machine(limit: 8)
        _ = machine.add((0..<8).map(String.init))
        #expect(machine.claimSlots(minimum: 2) == nil)
        #expect(machine.remove(["0"]) == .init(), "one free slot is not enough for a minimum of 2")
        let second = machine.remove(["1"])
        #expect(second.resumeSlotWaiter)
        #expect(machine.claimSlots(minimum: 2) == 2)
        #expect(machine.claimSlots(minimum: 100) == nil, "the minimum is bounded by the limit: all slots free")
        #expect(machine.remove((2..<8).map(String.init)) == .init(resumeSlotWaiter: true, resumeEmptyWaiters: true))
    }

    @Test func outcomesWaitingForTheirWriteFreeTheirSlotUpToTheLimit() {
        var machine = Machine(limit: 2)
        _ = machine.add(["a", "b"])
        #expect(machine.claimSlots(minimum: 1) == nil)
        let first = machine.handOver("a")
        #expect(first, "a handed-over outcome frees its slot: wake the reader")
        let again = machine.handOver("a")
        #expect(!again, "once")
        #expect(machine.running == 1 && machine.count == 2 && machine.freeSlots == 1)
        _ = machine.handOver("b")
        _ = machine.add(["c", "d"])
        #expect(machine.freeSlots == 0)
        _ = machine.handOver("c")
        #expect(machine.occupied == 2, "the third waiting outcome takes a slot again (backlog above the limit)")
        #expect(machine.claimSlots(minimum: 1) == nil)
        let written = machine.remove(["a", "b", "c"])
        #expect(written.resumeSlotWaiter, "written: slots back")
        #expect(machine.freeSlots == 1 && machine.count == 1)
    }

    @Test func deadlinesExpireOnceAndOnlyWhileTheHandlerRuns() {
        var machine = Machine(limit: 4)
        _ = machine.add(["a", "b", "c"])
        #expect(machine.startRun("a", deadline: .seconds(10), handle: 1) == .wakeWatchdog, "the watchdog had no deadline")
        #expect(machine.startRun("b", deadline: .seconds(30), handle: 2) == .none, "later than the watchdog's wake-up")
        #expect(machine.startRun("c", deadline: .seconds(5), handle: 3) == .wakeWatchdog, "earlier: wake it")
        #expect(machine.startRun("unknown", deadline: .zero, handle: 9) == .none)

        var (cancel, next) = machine.expire(now: .seconds(4))
        #expect(cancel.isEmpty)
        #expect(next == .seconds(5))
        (cancel, next) = machine.expire(now: .seconds(10))
        #expect(Set(cancel) == [1, 3])
        #expect(next == .seconds(30))
        (cancel, _) = machine.expire(now: .seconds(11))
        #expect(cancel.isEmpty, "a timed-out job is cancelled once")
        let aTimedOut = machine.endRun("a")
        let bTimedOut = machine.endRun("b")
        #expect(aTimedOut)
        #expect(!bTimedOut)
        (cancel, next) = machine.expire(now: .seconds(60))
        #expect(cancel.isEmpty, "an ended run is past cancellation: its outcome is being written")
        #expect(next == nil)
        #expect(machine.runningHandles() == [3])
    }
}

@Suite("Consumer schedule")
struct ConsumerScheduleTests {
    @Test func choresComeAtTheirCadence() {
        var schedule = ConsumerSchedule(start: .seconds(100), reclaimInterval: .seconds(5), sweepInterval: .seconds(60))
        #expect(schedule.chores(now: .seconds(100)) == .init(checkPaused: true))
        #expect(schedule.chores(now: .milliseconds(100_500)) == .init())
        #expect(schedule.blockTime(now: .milliseconds(100_500), maximum: .seconds(2)) == .milliseconds(500))
        #expect(schedule.chores(now: .seconds(101)) == .init(checkPaused: true))
        #expect(schedule.chores(now: .seconds(105)) == .init(checkPaused: true, reclaim: true))
        #expect(schedule.nextReclaim == .seconds(110))
        #expect(schedule.chores(now: .seconds(160)) == .init(checkPaused: true, reclaim: true, sweep: true))
        #expect(schedule.blockTime(now: .seconds(161), maximum: .seconds(2)) == .milliseconds(1), "never BLOCK 0")
    }

    @Test func sweepIntervalIsHalfTheIdleTimeoutWithinBounds() {
        #expect(ConsumerSchedule.sweepInterval(consumerIdleTimeout: .seconds(3600)) == .seconds(60))
        #expect(ConsumerSchedule.sweepInterval(consumerIdleTimeout: .seconds(1)) == .seconds(1))
        #expect(ConsumerSchedule.sweepInterval(consumerIdleTimeout: .seconds(30)) == .seconds(15))
    }
}

/// A stand-in for a job's task: registers its handler run and waits to be cancelled or released.
private struct FakeRun: Equatable {
    var cancelled: Bool
    var timedOut: Bool
}

private func fakeJob(_ inFlight: InFlightJobs, _ id: String, deadline: Duration, release: AsyncSignal,
                     started: AsyncSignal? = nil) async -> FakeRun {
    inFlight.startRun(id, deadline: deadline)
    started?.signal()
    await release.wait()
    let cancelled = Task.isCancelled
    return FakeRun(cancelled: cancelled, timedOut: inFlight.endRun(id))
}

@Suite("Consumer timing on a manual clock")
struct ConsumerTimingTests {
    @Test func watchdogSleepsUntilTheEarliestDeadlineAndCancelsThatJob() async {
        let clock = TestClock()
        let engineClock = EngineClock(clock)
        let inFlight = InFlightJobs(limit: 4)
        let done = AsyncSignal(latching: true)
        let neverReleased = AsyncSignal(latching: true)
        _ = inFlight.add(["slow", "fast"])
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await inFlight.runWatchdog(clock: engineClock, until: done) }
            let slow = Task { await fakeJob(inFlight, "slow", deadline: .seconds(60), release: neverReleased) }
            await clock.sleepers(atLeast: 1)
            #expect(clock.sleepingUntil == [.seconds(60)], "the watchdog sleeps until the only deadline")
            let fast = Task { await fakeJob(inFlight, "fast", deadline: .seconds(2), release: neverReleased) }
            // The earlier deadline wakes the watchdog, which sleeps again until it.
            await clock.sleepers { $0 == [.seconds(2)] }
            clock.advance(by: .seconds(1))
            #expect(clock.sleepingUntil == [.seconds(2)], "not yet")
            clock.advance(by: .seconds(1))
            let fastResult = await fast.value
            #expect(fastResult == FakeRun(cancelled: true, timedOut: true))
            await clock.sleepers { $0 == [.seconds(60)] }
            clock.advance(by: .seconds(58))
            let slowResult = await slow.value
            #expect(slowResult == FakeRun(cancelled: true, timedOut: true))
            done.signal()
            inFlight.wakeWatchdog()
        }
    }

    @Test func drainWaitsForTheGracePeriodThenCancels() async {
        let clock = TestClock()
        let engineClock = EngineClock(clock)
        let inFlight = InFlightJobs(limit: 4)
        let release = AsyncSignal(latching: true)
        _ = inFlight.add(["finishes", "stuck"])
        let started = (AsyncSignal(latching: true), AsyncSignal(latching: true))
        let finishing = Task {
            let result = await fakeJob(inFlight, "finishes", deadline: .seconds(3600), release: release, started: started.0)
            inFlight.remove(["finishes"])
            return result
        }
        let stuckRelease = AsyncSignal(latching: true)
        let stuck = Task {
            let result = await fakeJob(inFlight, "stuck", deadline: .seconds(3600), release: stuckRelease, started: started.1)
            inFlight.remove(["stuck"])
            return result
        }
        await started.0.wait()
        await started.1.wait()
        let drain = Task { await inFlight.drain(gracePeriod: .seconds(25), hardStop: .seconds(2), clock: engineClock) }
        await clock.sleepers(atLeast: 1)
        #expect(clock.sleepingUntil == [.seconds(25)])
        release.signal()
        #expect(await finishing.value == FakeRun(cancelled: false, timedOut: false), "a job finishing in time is not cancelled")
        clock.advance(by: .seconds(24))
        #expect(inFlight.count == 1)
        clock.advance(by: .seconds(1))
        #expect(await stuck.value == FakeRun(cancelled: true, timedOut: false), "grace period over: cancelled, not a timeout")
        #expect(await drain.value == .cancelled(cancelled: 1, left: 0))
    }

    @Test func drainReturnsAsSoonAsTheLastJobEnds() async {
        let clock = TestClock()
        let inFlight = InFlightJobs(limit: 2)
        _ = inFlight.add(["a"])
        let drain = Task { await inFlight.drain(gracePeriod: .seconds(25), hardStop: .seconds(2), clock: EngineClock(clock)) }
        await clock.sleepers(atLeast: 1)
        inFlight.remove(["a"])
        #expect(await drain.value == .finished, "no clock advance needed: the drain wakes on the empty slots")
    }

    @Test func slotWaitWakesWhenEnoughSlotsAreFreed() async {
        let inFlight = InFlightJobs(limit: 4)
        _ = inFlight.add(["a", "b", "c", "d"])
        let waiter = Task { await inFlight.waitForFreeSlots(minimum: 2) }
        inFlight.remove(["a"])
        inFlight.remove(["b"])
        #expect(await waiter.value == 2)
        // Cancellation (or stop) wakes a waiting reader with what is free now.
        let cancelled = Task { await inFlight.waitForFreeSlots(minimum: 4) }
        cancelled.cancel()
        #expect(await cancelled.value == 2)
    }

    @Test func sleepsAreCutShortByTheStopSignal() async {
        let clock = TestClock()
        let engineClock = EngineClock(clock)
        let stop = AsyncSignal(latching: true)
        let sleeper = Task { await engineClock.sleep(for: .seconds(3600)) { await stop.wait() } }
        await clock.sleepers(atLeast: 1)
        stop.signal()
        await sleeper.value
        #expect(clock.now.offset == .zero, "woken by the signal, not by time")
        #expect(clock.sleepingUntil.isEmpty, "the clock sleep was cancelled")
    }
}
