import Testing

@testable import Batching

/// The batcher's bookkeeping on plain values: windows, full batches, withdrawals, shutdown.
@Suite struct RequestBatchStateTests {
    typealias State = RequestBatchState<String, Int>

    /// Admits `count` new callers of `key` (entry = id) and returns the admissions.
    static func admit(_ state: inout State, _ key: String, count: Int, maximumBatch: Int) -> [State.Admission] {
        (0..<count).map { _ in
            let id = state.nextID()
            return state.admit(id, key: key, entry: Int(id), maximumBatch: maximumBatch, isCancelled: false)
        }
    }

    @Test func theFirstItemOpensAWindowAndTheLastFillsTheBatch() {
        var state = State()
        let admissions = Self.admit(&state, "a", count: 3, maximumBatch: 3)
        guard case .opened = admissions[0] else {
            Issue.record("first admission: \(admissions[0])")
            return
        }
        #expect(admissions[1] == .joined)
        #expect(admissions[2] == .full([1, 2, 3]))
        #expect(state.waitingCount == 0)
        state.markSending([1, 2, 3])
        #expect(state.finish([1, 2, 3]).map(\.entry) == [1, 2, 3])
        #expect(state.entries.isEmpty && state.sending.isEmpty)
    }

    @Test func aBatchOfOneLeavesAtOnce() {
        var state = State()
        #expect(Self.admit(&state, "a", count: 1, maximumBatch: 1) == [.full([1])])
        #expect(state.queues.isEmpty)
    }

    @Test func keysHaveTheirOwnWindows() throws {
        var state = State()
        let a = Self.admit(&state, "a", count: 1, maximumBatch: 10)
        let b = Self.admit(&state, "b", count: 2, maximumBatch: 10)
        guard case .opened(let windowA) = a[0], case .opened(let windowB) = b[0] else {
            Issue.record("no windows: \(a) \(b)")
            return
        }
        #expect(windowA != windowB)
        #expect(state.waitingCount == 3)
        #expect(state.take(key: "a", window: windowB) == nil, "another key's window")
        #expect(state.take(key: "b", window: windowB) == [2, 3])
        #expect(state.take(key: "a", window: windowA) == [1])
        #expect(state.sending == [1, 2, 3])
    }

    @Test func aLateTimerNeverClosesANewerWindow() {
        var state = State()
        let first = Self.admit(&state, "a", count: 2, maximumBatch: 2)
        guard case .opened(let old) = first[0] else {
            Issue.record("no window")
            return
        }
        // The batch left full; a new window opens for the next item.
        let next = Self.admit(&state, "a", count: 1, maximumBatch: 2)
        guard case .opened(let new) = next[0] else {
            Issue.record("no new window")
            return
        }
        #expect(old != new)
        #expect(state.take(key: "a", window: old) == nil)
        #expect(state.take(key: "a", window: new) == [3])
    }

    @Test func aCancelledWaitingCallerLeavesItsQueue() {
        var state = State()
        let admissions = Self.admit(&state, "a", count: 2, maximumBatch: 10)
        guard case .opened(let window) = admissions[0] else {
            Issue.record("no window")
            return
        }
        #expect(state.withdraw(1, policy: .awaitAnswer) == 1)
        #expect(state.waitingCount == 1)
        #expect(state.withdraw(2, policy: .awaitAnswer) == 2)
        #expect(state.waitingCount == 0)
        #expect(state.withdraw(2, policy: .answerAtOnce) == nil, "answered once only")
        #expect(state.withdraw(99, policy: .answerAtOnce) == nil, "unknown id")
        // The emptied window stays open until its timer: a new item joins it, no second timer.
        #expect(Self.admit(&state, "a", count: 1, maximumBatch: 10) == [.joined])
        #expect(state.take(key: "a", window: window) == [3])
        // Emptied again, its timer closes it with nothing to send.
        _ = Self.admit(&state, "a", count: 1, maximumBatch: 10)
        let reopened = state.queues["a"]?.window ?? 0
        #expect(state.withdraw(4, policy: .awaitAnswer) == 4)
        #expect(state.close().isEmpty, "an empty window sends nothing at shutdown")
        #expect(state.take(key: "a", window: reopened) == nil)
    }

    @Test func anInFlightCallerLeavesOnlyWhenThePolicySaysSo() {
        var state = State()
        let admissions = Self.admit(&state, "a", count: 2, maximumBatch: 2)
        #expect(admissions[1] == .full([1, 2]))
        state.markSending([1, 2])
        #expect(state.withdraw(1, policy: .awaitAnswer) == nil, "waits for its answer")
        #expect(state.withdraw(2, policy: .answerAtOnce) == 2)
        #expect(state.finish([1, 2]).map(\.id) == [1], "the withdrawn one is not answered twice")
        #expect(state.sending.isEmpty)
    }

    @Test func refusedWhenCancelledOrClosed() {
        var state = State()
        let id = state.nextID()
        #expect(state.admit(id, key: "a", entry: 0, maximumBatch: 5, isCancelled: true) == .cancelled)
        #expect(state.entries.isEmpty)
        _ = Self.admit(&state, "b", count: 1, maximumBatch: 5)
        _ = Self.admit(&state, "a", count: 2, maximumBatch: 5)
        let last = state.close()
        #expect(last.map(\.key) == ["b", "a"], "oldest first")
        #expect(last.map(\.ids) == [[2], [3, 4]])
        let late = state.nextID()
        #expect(state.admit(late, key: "a", entry: 0, maximumBatch: 5, isCancelled: false) == .closed)
        #expect(state.entries[late] == nil)
    }

    @Test func abandoningHandsOverEveryUnsentCallerPerKeyInBatchesOfTheMaximum() {
        var state = State()
        _ = Self.admit(&state, "a", count: 2, maximumBatch: 2)  // 1, 2: full, with the worker
        state.markSending([1, 2])
        _ = Self.admit(&state, "c", count: 1, maximumBatch: 1)  // 3: full, its event never read
        _ = Self.admit(&state, "a", count: 1, maximumBatch: 10)  // 4: waiting
        _ = Self.admit(&state, "b", count: 1, maximumBatch: 10)  // 5: waiting
        _ = Self.admit(&state, "a", count: 4, maximumBatch: 10)  // 6...9: waiting
        let rest = state.abandon(maximumBatch: 2)
        #expect(rest.map(\.key) == ["c", "a", "a", "a", "b"])
        #expect(rest.map(\.ids) == [[3], [4, 6], [7, 8], [9], [5]])
        #expect(state.sending == Set(1...9))
        #expect(state.closed && state.queues.isEmpty)
    }
}
