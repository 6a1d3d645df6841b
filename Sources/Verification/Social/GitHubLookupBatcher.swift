import ServiceLifecycle
import Synchronization

/// Collects the GitHub handle lookups that arrive within a short window (or until a batch is
/// full) and answers them with one call, so N waiting jobs cost one GraphQL request instead of N
/// REST requests.
///
/// Callers ``lookup(_:)`` and wait on a continuation; ``run()`` (a `Service`) owns the timers and
/// the calls as children of one task group. A window opens with the first waiting lookup and
/// closes after ``window`` on the injected clock, or at once when ``maximumBatch`` lookups wait.
/// The same handle asked twice in one batch is fetched once.
///
/// Cancellation-safe: a cancelled caller is removed from its batch (or, if the call is already
/// out, answered at once with `CancellationError`; the call's answer is dropped). On shutdown
/// the waiting lookups are sent at once; lookups after it fail with ``SocialAPIError/Kind/unavailable``.
public final class GitHubLookupBatcher<C: Clock>: Service, Sendable where C.Duration == Duration {
    /// Fetches the users of one batch (keys: ``SocialHandle/normalized``).
    public typealias Fetch = @Sendable ([SocialHandle]) async throws(SocialAPIError) -> [String: SocialLookup]

    /// How long the first lookup of a batch waits for others.
    public let window: Duration
    /// Most handles in one call (GitHub's GraphQL node limits leave room for far more than 50).
    public let maximumBatch: Int
    private let clock: C
    private let fetch: Fetch
    private let state = Mutex(State())
    private let events: AsyncStream<Event>
    private let sink: AsyncStream<Event>.Continuation

    private struct Waiter: Sendable {
        let handle: SocialHandle
        let continuation: CheckedContinuation<SocialLookup, any Error>
    }

    private struct State: Sendable {
        var nextID: UInt64 = 0
        /// Lookups waiting for their batch to go, in arrival order.
        var pending: [UInt64] = []
        /// Every unanswered lookup (waiting or in a call).
        var waiters: [UInt64: Waiter] = [:]
        /// Lookups handed to a call (or to a `.ready` event), not answered yet.
        var sending: Set<UInt64> = []
        /// Bumped each time a batch leaves, so a late timer does not cut the next window short.
        var generation: UInt64 = 0
        var closed = false
    }

    /// What ``lookup(_:)`` does after registering under the lock.
    private enum RegisterAction {
        case none, closed, cancelled, send(Event)
    }

    private enum Event: Sendable {
        /// A window opened for the batch of this generation.
        case opened(UInt64)
        /// The window of this generation has closed.
        case due(UInt64)
        /// A batch is ready to go.
        case ready([UInt64])
    }

    /// Creates a batcher; nothing is sent until ``run()`` runs.
    public init(window: Duration = .milliseconds(15), maximumBatch: Int = 50, clock: C, fetch: @escaping Fetch) {
        precondition(maximumBatch >= 1)
        self.window = window
        self.maximumBatch = maximumBatch
        self.clock = clock
        self.fetch = fetch
        (self.events, self.sink) = AsyncStream.makeStream(of: Event.self)
    }

    /// Lookups waiting for their batch to leave (for tests and metrics).
    public var waitingCount: Int { self.state.withLock { $0.pending.count } }

    /// Looks `handle` up with the next batch.
    public func lookup(_ handle: SocialHandle) async throws -> SocialLookup {
        let id = self.state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<SocialLookup, any Error>) in
                let action: RegisterAction = self.state.withLock { state in
                    // Checked under the lock: `onCancel` either ran before (the flag is set) or
                    // will find the waiter registered here.
                    if Task.isCancelled { return .cancelled }
                    if state.closed { return .closed }
                    state.waiters[id] = Waiter(handle: handle, continuation: continuation)
                    state.pending.append(id)
                    if state.pending.count >= self.maximumBatch {
                        let batch = state.pending
                        state.pending = []
                        state.generation &+= 1
                        return .send(.ready(batch))
                    }
                    return state.pending.count == 1 ? .send(.opened(state.generation)) : .none
                }
                switch action {
                case .none: break
                case .closed:
                    continuation.resume(throwing: SocialAPIError.unavailable(.github, "the lookup batcher has stopped"))
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .send(let event): self.sink.yield(event)
                }
            }
        } onCancel: {
            let waiter = self.state.withLock { state in
                state.pending.removeAll { $0 == id }
                state.sending.remove(id)
                return state.waiters.removeValue(forKey: id)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Runs the windows and the calls until the graceful shutdown (or cancellation), then sends
    /// what still waits and returns when every call has been answered.
    ///
    /// Window timers run in their own group, cancelled when the stream of events ends: a timer
    /// never holds the shutdown up, while the calls already out are awaited.
    public func run() async throws {
        await withDiscardingTaskGroup { calls in
            await withDiscardingTaskGroup { timers in
                await withGracefulShutdownHandler {
                    for await event in self.events {
                        switch event {
                        case .opened(let generation):
                            timers.addTask {
                                do {
                                    try await self.clock.sleep(for: self.window)
                                    self.sink.yield(.due(generation))
                                } catch {
                                    // Cancelled at shutdown: `close()` sends what waits.
                                }
                            }
                        case .due(let generation):
                            if let batch = self.take(generation: generation) {
                                calls.addTask { await self.send(batch) }
                            }
                        case .ready(let batch):
                            self.state.withLock { $0.sending.formUnion(batch) }
                            calls.addTask { await self.send(batch) }
                        }
                    }
                } onGracefulShutdown: {
                    self.close()
                }
                timers.cancelAll()
            }
            // Cancelled rather than shut down, the events still queued are never read: every lookup
            // not handed to a call yet is answered now (the calls fail as cancelled).
            let rest: [UInt64] = self.state.withLock { state in
                state.closed = true
                state.pending = []
                let rest = state.waiters.keys.filter { !state.sending.contains($0) }.sorted()
                state.sending.formUnion(rest)
                return rest
            }
            self.sink.finish()
            if !rest.isEmpty { calls.addTask { await self.send(rest) } }
        }
    }

    /// Stops taking lookups; the waiting ones leave as a last batch.
    private func close() {
        let batch: [UInt64] = self.state.withLock { state in
            state.closed = true
            defer { state.pending = [] }
            return state.pending
        }
        if !batch.isEmpty { self.sink.yield(.ready(batch)) }
        self.sink.finish()
    }

    /// The waiting batch if its window is `generation`'s (a full batch may have left meanwhile).
    private func take(generation: UInt64) -> [UInt64]? {
        self.state.withLock { state in
            guard state.generation == generation, !state.pending.isEmpty else { return nil }
            state.generation &+= 1
            state.sending.formUnion(state.pending)
            defer { state.pending = [] }
            return state.pending
        }
    }

    private func send(_ ids: [UInt64]) async {
        let handles: [SocialHandle] = self.state.withLock { state in ids.compactMap { state.waiters[$0]?.handle } }
        var unique: [SocialHandle] = []
        var seen: Set<String> = []
        for handle in handles where seen.insert(handle.normalized).inserted { unique.append(handle) }
        guard !unique.isEmpty else {
            // Every lookup of the batch was cancelled meanwhile.
            self.state.withLock { state in for id in ids { state.sending.remove(id) } }
            return
        }
        let outcome: Result<[String: SocialLookup], SocialAPIError>
        do {
            outcome = .success(try await self.fetch(unique))
        } catch {
            outcome = .failure(error)
        }
        let waiters: [Waiter] = self.state.withLock { state in
            for id in ids { state.sending.remove(id) }
            return ids.compactMap { state.waiters.removeValue(forKey: $0) }
        }
        for waiter in waiters {
            switch outcome {
            case .success(let results):
                if let lookup = results[waiter.handle.normalized] {
                    waiter.continuation.resume(returning: lookup)
                } else {
                    waiter.continuation.resume(
                        throwing: SocialAPIError.badResponse(.github, "no answer for one of the batched users"))
                }
            case .failure(let error):
                waiter.continuation.resume(throwing: error)
            }
        }
    }
}
