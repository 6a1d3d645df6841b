import Batching
import Logging
import ServiceLifecycle
import TestSupport
import Testing

/// The generic batcher on a stepped clock with a recording worker: size and window flushes, keys,
/// failures, cancellation of callers and of the run, shutdown, many submitters.
@Suite(.timeLimit(.minutes(1))) struct RequestBatcherTests {
    typealias Batcher<K: Hashable & Sendable> = RequestBatcher<K, Int, String, SteppedClock>

    struct WorkerFailure: Error, Equatable {
        let code: Int
    }

    /// A worker that records its batches and answers item `n` with "n" (`failure`: throws it;
    /// `gate`: sleeps a second on that clock first, so a batch stays with the worker until the test
    /// advances it).
    final class Recorder<K: Hashable & Sendable>: Sendable {
        let batches = LockedBox<[(key: K, items: [Int])]>([])
        let failure = LockedBox<WorkerFailure?>(nil)
        let gate: SteppedClock?

        init(gate: SteppedClock? = nil) { self.gate = gate }

        var worker: Batcher<K>.Worker {
            { key, items in
                self.batches.withLock { $0.append((key, items)) }
                if let gate = self.gate { try await gate.sleep(for: .seconds(1)) }
                if let failure = self.failure.current { throw failure }
                return items.map { .success(String($0)) }
            }
        }

        var sizes: [Int] { self.batches.current.map(\.items.count) }
    }

    /// Runs `batcher` while `body` runs, then cancels it and waits for its end.
    static func running<K, T: Sendable>(_ batcher: Batcher<K>, _ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await batcher.run() }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    @Test func aFullBatchLeavesWithoutWaitingForTheWindow() async throws {
        let clock = SteppedClock()
        let recorder = Recorder<Ungrouped>()
        let batcher = Batcher(
            window: .seconds(3600), maximumBatch: 3, clock: clock, inFlightCancellation: .awaitAnswer,
            worker: recorder.worker)
        try await Self.running(batcher) {
            let answers = try await withThrowingTaskGroup(of: String.self) { group in
                for item in 1...3 { group.addTask { try await batcher.submit(item) } }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(answers == ["1", "2", "3"])
            #expect(recorder.sizes == [3])
        }
    }

    @Test func aWindowClosesOnTheClockWithTheItemsWaitingTogether() async throws {
        let clock = SteppedClock()
        let recorder = Recorder<Ungrouped>()
        let batcher = Batcher(
            window: .milliseconds(10), maximumBatch: 50, clock: clock, inFlightCancellation: .awaitAnswer,
            worker: recorder.worker)
        try await Self.running(batcher) {
            try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for item in [7, 8] { group.addTask { (item, try await batcher.submit(item)) } }
                try await waitUntil("two waiting, the window timer set") {
                    batcher.waitingCount == 2 && clock.sleepingUntil == [.milliseconds(10)]
                }
                clock.advance(by: .milliseconds(9))
                try await Task.sleep(for: .milliseconds(50))
                #expect(recorder.batches.current.isEmpty, "nothing before the window closes")
                clock.advance(by: .milliseconds(1))
                for try await (item, answer) in group { #expect(answer == String(item), "each caller its own answer") }
            }
            #expect(recorder.sizes == [2])
            #expect(Set(recorder.batches.current[0].items) == [7, 8])
            // The next item opens a new window from the clock's new time.
            async let later = batcher.submit(9)
            try await waitUntil("a new window") { clock.sleepingUntil == [.milliseconds(20)] }
            clock.advance(by: .milliseconds(10))
            #expect(try await later == "9")
            #expect(recorder.sizes == [2, 1])
        }
    }

    @Test func itemsOfDifferentKeysNeverShareABatch() async throws {
        let clock = SteppedClock()
        let recorder = Recorder<String>()
        let batcher = Batcher<String>(
            window: .milliseconds(10), maximumBatch: 2, clock: clock, inFlightCancellation: .awaitAnswer,
            worker: recorder.worker)
        try await Self.running(batcher) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { _ = try await batcher.submit(1, key: "a") }
                try await waitUntil("a waiting") { batcher.waitingCount == 1 }
                group.addTask { _ = try await batcher.submit(2, key: "b") }
                try await waitUntil("a and b waiting, each with its window") {
                    batcher.waitingCount == 2 && clock.sleepingUntil.count == 2
                }
                group.addTask { _ = try await batcher.submit(3, key: "a") }
                try await waitUntil("a's batch full and gone") { recorder.batches.current.count == 1 }
                #expect(recorder.batches.current[0].key == "a")
                #expect(Set(recorder.batches.current[0].items) == [1, 3])
                #expect(batcher.waitingCount == 1)
                clock.advance(by: .milliseconds(10))
                try await group.waitForAll()
            }
            #expect(recorder.batches.current.map(\.key) == ["a", "b"])
            #expect(recorder.batches.current[1].items == [2])
        }
    }

    @Test func aFailingBatchAnswersEachCallerWithTheError() async throws {
        let clock = SteppedClock()
        let recorder = Recorder<Ungrouped>()
        recorder.failure.withLock { $0 = WorkerFailure(code: 502) }
        let batcher = Batcher(
            window: .seconds(1), maximumBatch: 3, clock: clock, inFlightCancellation: .awaitAnswer,
            worker: recorder.worker)
        try await Self.running(batcher) {
            try await withThrowingTaskGroup(of: WorkerFailure?.self) { group in
                for item in 1...3 {
                    group.addTask {
                        do {
                            _ = try await batcher.submit(item)
                            return nil
                        } catch let failure as WorkerFailure {
                            return failure
                        }
                    }
                }
                var failures: [WorkerFailure?] = []
                for try await failure in group { failures.append(failure) }
                #expect(failures == Array(repeating: WorkerFailure(code: 502), count: 3))
            }
        }
    }

    @Test func missingAnswersFailOnlyTheirCallers() async throws {
        let clock = SteppedClock()
        // Answers the first item only, and fails the second one by itself.
        let batcher = Batcher<Ungrouped>(
            window: .seconds(1), maximumBatch: 3, clock: clock, inFlightCancellation: .awaitAnswer
        ) { _, items in
            [.success("first:\(items[0])"), .failure(WorkerFailure(code: items[1]))]
        }
        try await Self.running(batcher) {
            let first = Task { try await batcher.submit(1) }
            try await waitUntil("first waiting") { batcher.waitingCount == 1 }
            let second = Task { try await batcher.submit(2) }
            try await waitUntil("second waiting") { batcher.waitingCount == 2 }
            let third = Task { try await batcher.submit(3) }
            #expect(try await first.value == "first:1")
            await #expect(throws: WorkerFailure(code: 2)) { try await second.value }
            await #expect(throws: RequestBatcherError.noAnswer) { try await third.value }
        }
    }

    @Test func aCancelledWaitingCallerLeavesItsBatch() async throws {
        let clock = SteppedClock()
        let recorder = Recorder<Ungrouped>()
        let batcher = Batcher(
            window: .seconds(1), maximumBatch: 50, clock: clock, inFlightCancellation: .awaitAnswer,
            worker: recorder.worker)
        try await Self.running(batcher) {
            let gone = Task { try await batcher.submit(1) }
            try await waitUntil("waiting") { batcher.waitingCount == 1 }
            gone.cancel()
            await #expect(throws: CancellationError.self) { try await gone.value }
            #expect(batcher.waitingCount == 0)
            async let kept = batcher.submit(2)
            try await waitUntil("the second waiting in the window still open") {
                batcher.waitingCount == 1 && clock.sleepingUntil == [.seconds(1)]
            }
            clock.advance(by: .seconds(1))
            #expect(try await kept == "2")
            #expect(recorder.batches.current.map(\.items) == [[2]], "the cancelled item never reaches the worker")
        }
        // A task cancelled before it submits gets CancellationError at once.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await batcher.submit(3)
        }
        await #expect(throws: CancellationError.self) { try await early.value }
    }

    @Test(arguments: [InFlightCancellation.awaitAnswer, .answerAtOnce])
    func aCallerCancelledWhileItsBatchIsOutFollowsThePolicy(_ policy: InFlightCancellation) async throws {
        let clock = SteppedClock()
        let gate = SteppedClock()
        let recorder = Recorder<Ungrouped>(gate: gate)
        let batcher = Batcher(
            window: .seconds(1), maximumBatch: 1, clock: clock, inFlightCancellation: policy, worker: recorder.worker)
        try await Self.running(batcher) {
            let caller = Task { try await batcher.submit(5) }
            try await waitUntil("the batch with the worker") { !gate.sleepingUntil.isEmpty }
            caller.cancel()
            switch policy {
            case .answerAtOnce:
                await #expect(throws: CancellationError.self) { try await caller.value }
                gate.advance(by: .seconds(1))
            case .awaitAnswer:
                try await Task.sleep(for: .milliseconds(50))
                gate.advance(by: .seconds(1))
                #expect(try await caller.value == "5", "the answer of work that may have had an effect")
            }
            try await waitUntil("the worker done") { gate.sleepingUntil.isEmpty }
        }
    }

    @Test func cancellingTheRunAnswersEveryWaiter() async throws {
        let clock = SteppedClock()
        let gate = SteppedClock()
        let recorder = Recorder<Ungrouped>(gate: gate)
        // An hour's window, a gate never opened: only the cancellation can answer the callers.
        let batcher = Batcher(
            window: .seconds(3600), maximumBatch: 2, clock: clock, inFlightCancellation: .awaitAnswer,
            worker: recorder.worker)
        let runner = Task { try await batcher.run() }
        // Five callers: two full batches (with the worker, or their events still queued) and one waiting.
        let outcomes = LockedBox<[Result<String, any Error>]>([])
        for item in 1...5 {
            Task {
                let outcome: Result<String, any Error>
                do { outcome = .success(try await batcher.submit(item)) } catch { outcome = .failure(error) }
                outcomes.withLock { $0.append(outcome) }
            }
        }
        try await waitUntil("the full batches out and one caller waiting") {
            batcher.waitingCount == 1 && recorder.batches.current.count == 2
        }
        runner.cancel()
        // Answered (here as cancelled: the worker's sleep is cancelled), never left hanging; a
        // deadline rather than awaiting the callers, so a hang fails the test instead of stalling it.
        try await waitUntil("every caller answered", timeout: .seconds(20)) { outcomes.current.count == 5 }
        for outcome in outcomes.current {
            #expect(throws: CancellationError.self) { try outcome.get() }
        }
        try await runner.value
        #expect(recorder.sizes.sorted() == [1, 2, 2], "the waiting caller went to the worker too")
        await #expect(throws: RequestBatcherError.stopped) { try await batcher.submit(6) }
    }

    @Test func gracefulShutdownSendsWhatWaitsAndRefusesLaterItems() async throws {
        let clock = SteppedClock()
        let recorder = Recorder<String>()
        struct Stopped: Error, Equatable {}
        let batcher = Batcher<String>(
            window: .seconds(3600), maximumBatch: 50, clock: clock, inFlightCancellation: .awaitAnswer,
            stoppedError: { Stopped() }, worker: recorder.worker)
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let group = ServiceGroup(services: [batcher], gracefulShutdownSignals: [], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            async let first = batcher.submit(1, key: "x")
            async let second = batcher.submit(2, key: "y")
            try await waitUntil("two waiting") { batcher.waitingCount == 2 }
            await group.triggerGracefulShutdown()
            #expect(try await first == "1")
            #expect(try await second == "2")
            try await tasks.waitForAll()
        }
        #expect(recorder.batches.current.count == 2, "sent at shutdown without waiting for the hour-long window")
        await #expect(throws: Stopped()) { try await batcher.submit(3, key: "x") }
    }

    @Test func manyConcurrentSubmittersEachGetTheirOwnAnswer() async throws {
        let recorder = LockedBox<[Int]>([])
        let batcher = RequestBatcher<Int, Int, String, ContinuousClock>(
            window: .milliseconds(2), maximumBatch: 16, clock: ContinuousClock(), inFlightCancellation: .awaitAnswer
        ) { key, items in
            recorder.withLock { $0.append(items.count) }
            return items.map { .success("\(key):\($0)") }
        }
        let count = 2000
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await batcher.run() }
            try await withThrowingTaskGroup(of: Bool.self) { submitters in
                for item in 0..<count {
                    submitters.addTask { try await batcher.submit(item, key: item % 3) == "\(item % 3):\(item)" }
                }
                var right = 0
                for try await ok in submitters where ok { right += 1 }
                #expect(right == count)
            }
            group.cancelAll()
        }
        #expect(recorder.current.reduce(0, +) == count, "each item in exactly one batch")
        #expect(recorder.current.allSatisfy { (1...16).contains($0) })
        #expect(recorder.current.count < count, "items shared batches")
    }
}
