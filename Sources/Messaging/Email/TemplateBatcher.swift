import Foundation
import JobEngine
import SMTPProtocol
import ServiceLifecycle
import Synchronization

/// Collects the templated `send_email` jobs that wait at the same time and sends them as one
/// batch: each template rendered once per shape (template, locale, given variables; see
/// ``TemplateBatchRenderer``), the messages delivered together over pooled, pipelined SMTP
/// sessions (``MailTransport/deliver(batch:)``). Each job still gets its own result: a
/// recipient refused with 5xx fails only its job, a 4xx or a connection lost before the server
/// confirmed a message makes only those jobs retry.
///
/// Callers ``deliver(_:)`` and wait on a continuation; ``run()`` (a `Service`) owns the window
/// timers and the deliveries as children of one task group. A window opens with the first waiting
/// mail and closes after ``window`` on the injected clock, or at once when ``maximumBatch`` mails
/// wait. Mails of different templates that wait together share the SMTP sessions of the batch
/// and are rendered per template.
///
/// Cancellation: a caller cancelled while its mail waits for the window is removed and gets
/// `CancellationError`; once its batch has gone out it waits for the answer (bounded by the SMTP
/// client's timeouts), so its job never releases its sent marker while the message may still be
/// accepted. On shutdown the waiting mails leave as a last batch; later ones fail (transient).
public final class TemplateBatcher<C: Clock>: Service, Sendable where C.Duration == Duration {
    /// How long the first mail of a batch waits for others.
    public let window: Duration
    /// Most mails in one batch.
    public let maximumBatch: Int
    private let clock: C
    private let renderer: TemplateBatchRenderer
    private let transport: any MailTransport
    private let now: @Sendable () -> Int64
    private let state = Mutex(State())
    private let renderCount = Atomic<Int>(0)
    private let batchCount = Atomic<Int>(0)
    private let events: AsyncStream<Event>
    private let sink: AsyncStream<Event>.Continuation

    private struct Waiter: Sendable {
        let mail: TemplatedMail
        let continuation: CheckedContinuation<MailReceipt, any Error>
    }

    private struct State: Sendable {
        var nextID: UInt64 = 0
        /// Mails waiting for their batch to go, in arrival order.
        var pending: [UInt64] = []
        /// Every unanswered mail (waiting or being delivered).
        var waiters: [UInt64: Waiter] = [:]
        /// Mails whose batch has been handed to a delivery task.
        var sending: Set<UInt64> = []
        /// Bumped each time a batch leaves, so a late timer does not cut the next window short.
        var generation: UInt64 = 0
        var closed = false
    }

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

    /// Creates a batcher; nothing is sent until ``run()`` runs. `now` gives the `Date:` of the
    /// messages (seconds since 1970).
    public init(
        window: Duration = .milliseconds(5), maximumBatch: Int = 50, clock: C, renderer: TemplateBatchRenderer,
        transport: any MailTransport,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        precondition(maximumBatch >= 1)
        self.window = window
        self.maximumBatch = maximumBatch
        self.clock = clock
        self.renderer = renderer
        self.transport = transport
        self.now = now
        (self.events, self.sink) = AsyncStream.makeStream(of: Event.self)
    }

    /// Mails waiting for their batch to leave.
    public var waitingCount: Int { self.state.withLock { $0.pending.count } }
    /// Mustache renderings of a whole template so far (one per template shape per batch, plus
    /// one per mail that could not be compiled): for tests and metrics.
    public var templateRenders: Int { self.renderCount.load(ordering: .relaxed) }
    /// Batches sent so far.
    public var batchesSent: Int { self.batchCount.load(ordering: .relaxed) }

    /// Sends `mail` with the next batch; returns its receipt or throws its own failure
    /// (``JobError`` for rendering, ``SMTPError`` for delivery).
    public func deliver(_ mail: TemplatedMail) async throws -> MailReceipt {
        let id = self.state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<MailReceipt, any Error>) in
                let action: RegisterAction = self.state.withLock { state in
                    if Task.isCancelled { return .cancelled }
                    if state.closed { return .closed }
                    state.waiters[id] = Waiter(mail: mail, continuation: continuation)
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
                case .closed: continuation.resume(throwing: JobError.transient("the email batcher has stopped"))
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .send(let event): self.sink.yield(event)
                }
            }
        } onCancel: {
            // Only a mail still waiting for its window leaves; one being delivered waits for its answer.
            let waiter: Waiter? = self.state.withLock { state in
                guard let index = state.pending.firstIndex(of: id) else { return nil }
                state.pending.remove(at: index)
                return state.waiters.removeValue(forKey: id)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Runs the windows and the deliveries until the graceful shutdown (or cancellation), then
    /// sends what still waits and returns when every delivery has been answered.
    public func run() async throws {
        await withDiscardingTaskGroup { deliveries in
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
                                deliveries.addTask { await self.send(batch) }
                            }
                        case .ready(let batch):
                            self.state.withLock { $0.sending.formUnion(batch) }
                            deliveries.addTask { await self.send(batch) }
                        }
                    }
                } onGracefulShutdown: {
                    self.close()
                }
                timers.cancelAll()
            }
            // Cancelled rather than shut down, the events still queued are never read: every mail
            // not handed to a delivery yet goes out now.
            let rest: [UInt64] = self.state.withLock { state in
                state.closed = true
                state.pending = []
                let rest = state.waiters.keys.filter { !state.sending.contains($0) }.sorted()
                state.sending.formUnion(rest)
                return rest
            }
            self.sink.finish()
            if !rest.isEmpty { deliveries.addTask { await self.send(rest) } }
        }
    }

    /// Stops taking mails; the waiting ones leave as a last batch.
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

    /// Renders and delivers one batch, then answers each of its mails with its own result.
    private func send(_ ids: [UInt64]) async {
        let batch: [(id: UInt64, mail: TemplatedMail)] = self.state.withLock { state in
            ids.compactMap { id in state.waiters[id].map { (id, $0.mail) } }
        }
        guard !batch.isEmpty else { return }
        self.batchCount.add(1, ordering: .relaxed)
        let rendered = self.renderer.render(batch.map(\.mail), date: self.now())
        self.renderCount.add(rendered.renders, ordering: .relaxed)
        var outcomes: [UInt64: Result<MailReceipt, any Error>] = [:]
        var outgoing: [(id: UInt64, message: MailMessage)] = []
        for (entry, message) in zip(batch, rendered.messages) {
            switch message {
            case .success(let message): outgoing.append((entry.id, message))
            case .failure(let error): outcomes[entry.id] = .failure(error)
            }
        }
        if !outgoing.isEmpty {
            let delivered = await self.transport.deliver(batch: outgoing.map(\.message))
            for (entry, result) in zip(outgoing, delivered) { outcomes[entry.id] = result }
        }
        let waiters: [(Waiter, Result<MailReceipt, any Error>)] = self.state.withLock { state in
            batch.compactMap { entry in
                state.sending.remove(entry.id)
                return state.waiters.removeValue(forKey: entry.id).map {
                    ($0, outcomes[entry.id] ?? .failure(JobError.transient("not delivered")))
                }
            }
        }
        for (waiter, result) in waiters { waiter.continuation.resume(with: result) }
    }
}
