import ServiceLifecycle
import Synchronization

/// Gathers the requests that arrive close together and hands them to a worker as one batch:
/// callers ``submit(_:key:)`` an item and await its own answer.
///
/// Items are grouped by `Key` (items of different keys never share a batch; use ``Ungrouped``
/// when every item may). A key's window opens with its first waiting item and closes after
/// ``window`` on the injected clock, or at once when ``maximumBatch`` items of the key wait.
///
/// ``run()`` (a `Service`) owns the window timers and the worker calls as children of its task
/// groups; nothing runs outside it, and until it runs nothing is sent. The worker returns one
/// result per item, in order (a missing one is answered with ``RequestBatcherError/noAnswer``);
/// a worker that throws answers every caller of its batch with that error.
///
/// Cancellation: a caller cancelled while its item waits for the window leaves the batch with
/// `CancellationError`; once the batch is with the worker, ``InFlightCancellation`` decides.
/// Shutdown: at the graceful shutdown the waiting batches leave at once; when the run is
/// cancelled instead, every caller not yet handed to the worker is handed to it then (the
/// worker runs in a cancelled task and may fail fast); ``run()`` returns once every worker call
/// has ended, so no caller is left waiting. Later submissions fail with the `stopped` error.
public final class RequestBatcher<Key: Hashable & Sendable, Item: Sendable, Answer: Sendable, C: Clock>: Service, Sendable
where C.Duration == Duration {
    /// Handles one batch: the items of one key, oldest first; returns their results in that order.
    public typealias Worker = @Sendable (_ key: Key, _ items: [Item]) async throws -> [Result<Answer, any Error>]

    /// How long the first item of a batch waits for others.
    public let window: Duration
    /// Most items in one batch.
    public let maximumBatch: Int
    /// What a caller cancelled while its batch is with the worker gets.
    public let inFlightCancellation: InFlightCancellation
    private let clock: C
    private let worker: Worker
    private let stoppedError: @Sendable () -> any Error
    private let state = Mutex(RequestBatchState<Key, Waiter>())
    private let events: AsyncStream<Event>
    private let sink: AsyncStream<Event>.Continuation

    private struct Waiter: Sendable {
        let item: Item
        let continuation: CheckedContinuation<Answer, any Error>
    }

    private enum Event: Sendable {
        /// A window of `key` opened.
        case opened(Key, window: UInt64)
        /// A window of `key` has closed.
        case due(Key, window: UInt64)
        /// A batch is ready to go.
        case ready(Key, [UInt64])
    }

    /// Creates a batcher; nothing is sent until ``run()`` runs.
    ///
    /// - Parameters:
    ///   - window: how long the first item of a batch waits for others (on `clock`).
    ///   - maximumBatch: most items in one batch (at least 1).
    ///   - stoppedError: what a submission after the stop fails with (``RequestBatcherError/stopped``
    ///     unless the caller's domain has its own error).
    ///   - worker: handles one batch; called from ``run()``'s task group, several batches at once.
    public init(
        window: Duration, maximumBatch: Int, clock: C, inFlightCancellation: InFlightCancellation,
        stoppedError: @escaping @Sendable () -> any Error = { RequestBatcherError.stopped },
        worker: @escaping Worker
    ) {
        precondition(maximumBatch >= 1, "a batch holds at least one item")
        self.window = window
        self.maximumBatch = maximumBatch
        self.clock = clock
        self.inFlightCancellation = inFlightCancellation
        self.stoppedError = stoppedError
        self.worker = worker
        (self.events, self.sink) = AsyncStream.makeStream(of: Event.self)
    }

    /// Items waiting for their window (for tests and metrics).
    public var waitingCount: Int { self.state.withLock { $0.waitingCount } }

    /// Submits `item` with the next batch of `key`; returns its answer or throws its own failure
    /// (the worker's, `CancellationError`, or the `stopped` error).
    public func submit(_ item: Item, key: Key) async throws -> Answer {
        let id = self.state.withLock { $0.nextID() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Answer, any Error>) in
                // Cancellation is checked under the lock: `onCancel` either ran before (the flag is
                // set) or will find the waiter registered here.
                let admission = self.state.withLock { state in
                    state.admit(
                        id, key: key, entry: Waiter(item: item, continuation: continuation),
                        maximumBatch: self.maximumBatch, isCancelled: Task.isCancelled)
                }
                switch admission {
                case .joined: break
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .closed: continuation.resume(throwing: self.stoppedError())
                case .opened(let window): self.sink.yield(.opened(key, window: window))
                case .full(let ids): self.sink.yield(.ready(key, ids))
                }
            }
        } onCancel: {
            let waiter = self.state.withLock { $0.withdraw(id, policy: self.inFlightCancellation) }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Runs the windows and the worker calls until the graceful shutdown (or cancellation), then
    /// sends what still waits and returns when every call has been answered.
    ///
    /// Window timers run in their own group, cancelled when the stream of events ends: a timer
    /// never holds the shutdown up, while the calls already out are awaited.
    public func run() async throws {
        await withDiscardingTaskGroup { calls in
            await withDiscardingTaskGroup { timers in
                await withGracefulShutdownHandler {
                    for await event in self.events {
                        switch event {
                        case .opened(let key, let window):
                            timers.addTask {
                                do {
                                    try await self.clock.sleep(for: self.window)
                                    self.sink.yield(.due(key, window: window))
                                } catch {
                                    // Cancelled at shutdown: `close()` sends what waits.
                                }
                            }
                        case .due(let key, let window):
                            if let ids = self.state.withLock({ $0.take(key: key, window: window) }) {
                                calls.addTask { await self.send(key, ids) }
                            }
                        case .ready(let key, let ids):
                            self.state.withLock { $0.markSending(ids) }
                            calls.addTask { await self.send(key, ids) }
                        }
                    }
                } onGracefulShutdown: {
                    self.close()
                }
                timers.cancelAll()
            }
            // Cancelled rather than shut down, the events still queued are never read: every caller
            // not handed to the worker yet goes to it now.
            let rest = self.state.withLock { $0.abandon(maximumBatch: self.maximumBatch) }
            self.sink.finish()
            for batch in rest { calls.addTask { await self.send(batch.key, batch.ids) } }
        }
    }

    /// Stops taking items; the waiting ones leave as last batches.
    private func close() {
        let batches = self.state.withLock { $0.close() }
        for batch in batches { self.sink.yield(.ready(batch.key, batch.ids)) }
        self.sink.finish()
    }

    /// Hands one batch to the worker, then answers each of its callers with its own result.
    private func send(_ key: Key, _ ids: [UInt64]) async {
        let batch = self.state.withLock { $0.entries(of: ids) }
        var results: Result<[Result<Answer, any Error>], any Error> = .success([])
        if !batch.isEmpty {
            do {
                results = .success(try await self.worker(key, batch.map(\.entry.item)))
            } catch {
                results = .failure(error)
            }
        }
        let answered = self.state.withLock { $0.finish(ids) }
        guard !answered.isEmpty else { return }
        switch results {
        case .failure(let error):
            for waiter in answered { waiter.entry.continuation.resume(throwing: error) }
        case .success(let list):
            // `answered` is `batch` in the same order, less the callers withdrawn meanwhile.
            var position = 0
            for waiter in answered {
                while position < batch.count, batch[position].id != waiter.id { position += 1 }
                let result = position < list.count ? list[position] : .failure(RequestBatcherError.noAnswer)
                waiter.entry.continuation.resume(with: result)
            }
        }
    }
}
