import Foundation
import Logging
import ServiceLifecycle
import TestSupport
import Testing

@testable import Verification

/// The batcher on a manual clock with a recording fetch: windows, full batches, duplicates,
/// failures, cancellation and shutdown.
@Suite struct GitHubLookupBatcherTests {
    /// A fetch that records its batches and answers every handle as found (`missing*`: not found).
    final class Recorder: Sendable {
        let batches = LockedBox<[[String]]>([])
        let failure = LockedBox<SocialAPIError?>(nil)

        var fetch: GitHubLookupBatcher<ManualClock>.Fetch {
            { handles throws(SocialAPIError) in
                self.batches.withLock { $0.append(handles.map(\.value)) }
                if let failure = self.failure.current { throw failure }
                var results: [String: SocialLookup] = [:]
                for handle in handles {
                    results[handle.normalized] =
                        handle.normalized.hasPrefix("missing")
                        ? .notFound
                        : .found(SocialAccount(id: handle.normalized, handle: handle.value, name: nil, createdAt: nil))
                }
                return results
            }
        }
    }

    static func handle(_ text: String) -> SocialHandle { try! SocialHandle(text, provider: .github) }

    /// Runs `batcher` while `body` runs, then cancels it.
    static func running<T: Sendable>(_ batcher: GitHubLookupBatcher<ManualClock>, _ body: () async throws -> T)
        async throws -> T
    {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await batcher.run() }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    @Test func lookupsWithinTheWindowShareOneCall() async throws {
        let clock = ManualClock()
        let recorder = Recorder()
        let batcher = GitHubLookupBatcher(
            window: .milliseconds(15), maximumBatch: 50, clock: clock, fetch: recorder.fetch)
        try await Self.running(batcher) {
            try await withThrowingTaskGroup(of: (String, SocialLookup).self) { group in
                for name in ["a1", "a2", "missing-3", "a4", "A1"] {
                    group.addTask { (name, try await batcher.lookup(Self.handle(name))) }
                }
                try await waitUntil("5 lookups waiting and the window timer set") {
                    batcher.waitingCount == 5 && clock.sleeperCount == 1
                }
                #expect(recorder.batches.current.isEmpty, "nothing leaves before the window closes")
                clock.advance(by: .milliseconds(14))
                #expect(recorder.batches.current.isEmpty)
                clock.advance(by: .milliseconds(1))
                var answers: [String: SocialLookup] = [:]
                for try await (name, lookup) in group { answers[name] = lookup }
                #expect(answers["missing-3"] == .notFound)
                #expect(answers["A1"] == answers["a1"], "same handle, same answer")
                guard case .found(let a4) = answers["a4"] else {
                    Issue.record("a4 not found")
                    return
                }
                #expect(a4.id == "a4")
            }
            #expect(recorder.batches.current.count == 1)
            #expect(recorder.batches.current.first?.count == 4, "the duplicate handle is fetched once")
        }
    }

    @Test func cancellingTheRunAnswersEveryWaitingLookup() async throws {
        let clock = ManualClock()
        let recorder = Recorder()
        // A window of an hour: nothing leaves by itself while the run is cancelled.
        let batcher = GitHubLookupBatcher(window: .seconds(3600), maximumBatch: 2, clock: clock, fetch: recorder.fetch)
        let runner = Task { try await batcher.run() }
        // Three lookups: one full batch of 2 (a `.ready` event) and 1 waiting for its window.
        let lookups = (0..<3).map { index in Task { try await batcher.lookup(Self.handle("c\(index)")) } }
        try await waitUntil("a full batch out and one lookup waiting") {
            batcher.waitingCount == 1 && !recorder.batches.current.isEmpty
        }
        runner.cancel()
        for lookup in lookups {
            // Answered (found, or failed as cancelled): never left hanging.
            _ = try? await lookup.value
        }
        try await runner.value
        await #expect(throws: (any Error).self) { try await batcher.lookup(Self.handle("late")) }
    }

    @Test func fullBatchesLeaveWithoutWaiting() async throws {
        let clock = ManualClock()
        let recorder = Recorder()
        let batcher = GitHubLookupBatcher(window: .seconds(60), maximumBatch: 3, clock: clock, fetch: recorder.fetch)
        try await Self.running(batcher) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<7 { group.addTask { _ = try await batcher.lookup(Self.handle("u\(index)")) } }
                try await waitUntil("two full batches sent and one lookup waiting") {
                    recorder.batches.current.count == 2 && batcher.waitingCount == 1
                }
                #expect(recorder.batches.current.allSatisfy { $0.count == 3 })
                clock.advance(by: .seconds(60))
                try await group.waitForAll()
            }
            #expect(recorder.batches.current.map(\.count).sorted() == [1, 3, 3])
        }
    }

    @Test func aFailedCallFailsEveryLookupOfItsBatch() async throws {
        let clock = ManualClock()
        let recorder = Recorder()
        recorder.failure.withLock { $0 = .unavailable(.github, "HTTP 502") }
        let batcher = GitHubLookupBatcher(window: .seconds(1), maximumBatch: 2, clock: clock, fetch: recorder.fetch)
        try await Self.running(batcher) {
            try await withThrowingTaskGroup(of: SocialAPIError.Kind?.self) { group in
                for name in ["a", "b"] {
                    group.addTask {
                        do {
                            _ = try await batcher.lookup(Self.handle(name))
                            return nil
                        } catch let error as SocialAPIError {
                            return error.kind
                        }
                    }
                }
                for try await kind in group { #expect(kind == .unavailable) }
            }
        }
    }

    @Test func aCancelledLookupLeavesItsBatch() async throws {
        let clock = ManualClock()
        let recorder = Recorder()
        let batcher = GitHubLookupBatcher(window: .seconds(1), maximumBatch: 50, clock: clock, fetch: recorder.fetch)
        try await Self.running(batcher) {
            let cancelled = Task { try await batcher.lookup(Self.handle("gone")) }
            try await waitUntil("the lookup is waiting") { batcher.waitingCount == 1 }
            cancelled.cancel()
            await #expect(throws: CancellationError.self) { try await cancelled.value }
            #expect(batcher.waitingCount == 0)
            async let kept = batcher.lookup(Self.handle("kept"))
            try await waitUntil("the second lookup is waiting") { batcher.waitingCount == 1 }
            clock.advance(by: .seconds(1))
            guard case .found = try await kept else {
                Issue.record("kept not found")
                return
            }
            #expect(recorder.batches.current.flatMap { $0 } == ["kept"], "the cancelled handle is never fetched")
        }
        // A task cancelled before it asks gets CancellationError at once.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await batcher.lookup(Self.handle("early"))
        }
        await #expect(throws: CancellationError.self) { try await early.value }
    }

    @Test func shutdownSendsWhatWaitsAndRefusesLaterLookups() async throws {
        let clock = ManualClock()
        let recorder = Recorder()
        let batcher = GitHubLookupBatcher(window: .seconds(3600), maximumBatch: 50, clock: clock, fetch: recorder.fetch)
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let group = ServiceGroup(services: [batcher], gracefulShutdownSignals: [], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            async let first = batcher.lookup(Self.handle("first"))
            async let second = batcher.lookup(Self.handle("second"))
            try await waitUntil("two lookups waiting") { batcher.waitingCount == 2 }
            await group.triggerGracefulShutdown()
            guard case .found = try await first, case .found = try await second else {
                Issue.record("not answered")
                return
            }
            try await tasks.waitForAll()
        }
        #expect(recorder.batches.current.count == 1, "sent at shutdown without waiting for the hour-long window")
        #expect(Set(recorder.batches.current.flatMap { $0 }) == ["first", "second"])
        do {
            _ = try await batcher.lookup(Self.handle("late"))
            Issue.record("a lookup after shutdown was accepted")
        } catch let error as SocialAPIError {
            #expect(error.kind == .unavailable)
        }
    }
}
