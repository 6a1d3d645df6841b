/// The engine's monotonic time: an injected `Clock` read as the `Duration` since a fixed origin.
///
/// Every timing decision of a consumer (slot deadlines, job timeouts, the shutdown grace period,
/// the reclaim cadence) works on these durations, so it runs unchanged on a manual test clock.
/// The wall clock (``EngineConfiguration/now``) is only used for timestamps stored in Redis.
struct EngineClock: Sendable {
    private let readNow: @Sendable () -> Duration
    private let sleepUntil: @Sendable (Duration) async throws -> Void

    init(_ clock: any Clock<Duration>) {
        self = Self.opening(clock)
    }

    private init(readNow: @escaping @Sendable () -> Duration, sleepUntil: @escaping @Sendable (Duration) async throws -> Void) {
        self.readNow = readNow
        self.sleepUntil = sleepUntil
    }

    private static func opening<C: Clock<Duration>>(_ clock: C) -> EngineClock {
        let origin = clock.now
        return EngineClock(
            readNow: { origin.duration(to: clock.now) },
            sleepUntil: { try await clock.sleep(until: origin.advanced(by: $0), tolerance: nil) })
    }

    /// Time since this clock's origin.
    var now: Duration { self.readNow() }

    /// Sleeps until `deadline` (a time of ``now``); throws `CancellationError` when cancelled.
    func sleep(until deadline: Duration) async throws {
        try await self.sleepUntil(deadline)
    }

    /// Sleeps until `deadline` (forever when `nil`), or less when `wake` returns first; the other
    /// one is then cancelled, so `wake` must return when its task is cancelled.
    ///
    /// Returns at once when the calling task is cancelled.
    func sleep(until deadline: Duration?, orUntil wake: @escaping @Sendable () async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            if let deadline {
                group.addTask { try? await self.sleep(until: deadline) }
            }
            group.addTask { await wake() }
            await group.next()
            group.cancelAll()
        }
    }

    /// ``sleep(until:orUntil:)`` for a duration from now.
    func sleep(for duration: Duration, orUntil wake: @escaping @Sendable () async -> Void) async {
        await self.sleep(until: self.now + duration, orUntil: wake)
    }
}
