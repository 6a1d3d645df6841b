import Batching
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
/// The gathering is a ``RequestBatcher`` (windows, sizes, cancellation, shutdown): a window opens
/// with the first waiting mail and closes after ``window`` on the injected clock, or at once when
/// ``maximumBatch`` mails wait; ``run()`` (a `Service`) owns the timers and the deliveries. Mails
/// of different templates that wait together share the SMTP sessions of the batch and are
/// rendered per template.
///
/// Cancellation: a caller cancelled while its mail waits for the window is removed and gets
/// `CancellationError`; once its batch has gone out it waits for the answer (bounded by the SMTP
/// client's timeouts), so its job never releases its sent marker while the message may still be
/// accepted. On shutdown the waiting mails leave as a last batch; later ones fail (transient).
public final class TemplateBatcher<C: Clock>: Service, Sendable where C.Duration == Duration {
    /// How long the first mail of a batch waits for others.
    public var window: Duration { self.batcher.window }
    /// Most mails in one batch.
    public var maximumBatch: Int { self.batcher.maximumBatch }
    private let batcher: RequestBatcher<Ungrouped, TemplatedMail, MailReceipt, C>
    private let counters: Counters

    /// What the batches have done so far; shared with the batch worker.
    private final class Counters: Sendable {
        let renders = Atomic<Int>(0)
        let batches = Atomic<Int>(0)
    }

    /// Creates a batcher; nothing is sent until ``run()`` runs. `now` gives the `Date:` of the
    /// messages (seconds since 1970).
    public init(
        window: Duration = .milliseconds(5), maximumBatch: Int = 50, clock: C, renderer: TemplateBatchRenderer,
        transport: any MailTransport,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        precondition(maximumBatch >= 1)
        let counters = Counters()
        self.counters = counters
        self.batcher = RequestBatcher(
            window: window, maximumBatch: maximumBatch, clock: clock, inFlightCancellation: .awaitAnswer,
            stoppedError: { JobError.transient("the email batcher has stopped") }
        ) { _, mails in
            await Self.send(mails, renderer: renderer, transport: transport, date: now(), counters: counters)
        }
    }

    /// Mails waiting for their batch to leave.
    public var waitingCount: Int { self.batcher.waitingCount }
    /// Mustache renderings of a whole template so far (one per template shape per batch, plus
    /// one per mail that could not be compiled): for tests and metrics.
    public var templateRenders: Int { self.counters.renders.load(ordering: .relaxed) }
    /// Batches sent so far.
    public var batchesSent: Int { self.counters.batches.load(ordering: .relaxed) }

    /// Sends `mail` with the next batch; returns its receipt or throws its own failure
    /// (``JobError`` for rendering, ``SMTPError`` for delivery).
    public func deliver(_ mail: TemplatedMail) async throws -> MailReceipt {
        try await self.batcher.submit(mail)
    }

    /// Runs the windows and the deliveries until the graceful shutdown (or cancellation), then
    /// sends what still waits and returns when every delivery has been answered.
    public func run() async throws {
        try await self.batcher.run()
    }

    /// Renders and delivers one batch; one result per mail, in order.
    private static func send(
        _ mails: [TemplatedMail], renderer: TemplateBatchRenderer, transport: any MailTransport, date: Int64,
        counters: Counters
    ) async -> [Result<MailReceipt, any Error>] {
        counters.batches.add(1, ordering: .relaxed)
        let rendered = renderer.render(mails, date: date)
        counters.renders.add(rendered.renders, ordering: .relaxed)
        var outcomes = [Result<MailReceipt, any Error>](
            repeating: .failure(JobError.transient("not delivered")), count: mails.count)
        var outgoing: [(index: Int, message: MailMessage)] = []
        for (index, message) in rendered.messages.enumerated() where index < mails.count {
            switch message {
            case .success(let message): outgoing.append((index, message))
            case .failure(let error): outcomes[index] = .failure(error)
            }
        }
        if !outgoing.isEmpty {
            let delivered = await transport.deliver(batch: outgoing.map(\.message))
            for (entry, result) in zip(outgoing, delivered) { outcomes[entry.index] = result }
        }
        return outcomes
    }
}
