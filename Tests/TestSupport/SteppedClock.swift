/// A clock that moves only when a test calls ``advance(by:)``: timeouts and retries are driven by
/// the test, so they happen exactly when the test says and never because the machine is slow.
///
/// A test waits for the code under test to reach its wait (``sleepingUntil``, polled with
/// ``waitUntil(_:timeout:_:)``), then advances the clock. Sleeps honour cancellation (a timeout
/// task cancelled because the work finished first ends at once), so a clock that is never advanced
/// means "no timeout can ever fire".
public final class SteppedClock: Clock, Sendable {
    /// A point on this clock: the time advanced since it was made.
    public struct Instant: InstantProtocol {
        /// Time since the clock started.
        public var offset: Duration
        public init(offset: Duration) { self.offset = offset }
        public func advanced(by duration: Duration) -> Instant { Instant(offset: self.offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - self.offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct Sleeper {
        let deadline: Instant
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var nextID = 0
        var sleepers: [Int: Sleeper] = [:]
    }

    private let state = LockedBox(State())

    public init() {}

    public var now: Instant { self.state.current.now }
    public var minimumResolution: Duration { .zero }

    /// The deadlines of the tasks sleeping now (as offsets from the start), earliest first.
    public var sleepingUntil: [Duration] {
        self.state.withLock { $0.sleepers.values.map(\.deadline.offset).sorted() }
    }

    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let id = self.state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = self.state.withLock { state -> Result<Void, any Error>? in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if deadline <= state.now { return .success(()) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            self.state.withLock { $0.sleepers.removeValue(forKey: id) }?.continuation.resume(
                throwing: CancellationError())
        }
    }

    /// Moves time forward and wakes the sleepers whose deadline has come (earliest first).
    public func advance(by duration: Duration) {
        let due = self.state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let due = state.sleepers.filter { $0.value.deadline <= now }
            for id in due.keys { state.sleepers.removeValue(forKey: id) }
            return due.values.sorted { $0.deadline < $1.deadline }.map(\.continuation)
        }
        for continuation in due { continuation.resume() }
    }
}
