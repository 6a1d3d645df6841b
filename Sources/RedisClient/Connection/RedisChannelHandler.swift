import Logging
import NIOCore
import RESP

/// Matches replies to requests in order on one connection; routes push frames apart.
///
/// Runs on the channel's event loop only. Requests are encoded into one pending buffer that is
/// written and flushed once per event-loop tick, so concurrent callers are pipelined into few syscalls.
/// A request past its deadline means the server or network is stuck: every waiting request
/// fails and the connection closes (its later replies could no longer be matched).
///
/// Back-pressure: once the connection owes ``RedisConfiguration/maximumPendingRequestsPerConnection``
/// replies, new requests are parked unsent (``RedisRequestAdmission``) and written as replies drain;
/// a parked request still unsent at its deadline fails with
/// ``RedisClientError/tooManyPendingRequests(limit:)`` and the connection stays open.
///
/// Replies are decoded in place by the pure ``RESPDecoder`` (through NIO's single-step processor, as
/// postgres-nio does) rather than by a separate `ByteToMessageHandler`: that saves boxing every
/// value in `NIOAny` and a dynamic cast per reply.
final class RedisChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = Never
    typealias OutboundOut = ByteBuffer

    private struct Waiting {
        enum Reply {
            case single(UnsafeContinuation<RESPValue, any Error>)
            case pipeline(UnsafeContinuation<[RESPValue], any Error>)

            func fail(_ error: any Error) {
                switch self {
                case .single(let continuation): continuation.resume(throwing: error)
                case .pipeline(let continuation): continuation.resume(throwing: error)
                }
            }
        }

        /// `nil` once the caller was cancelled: the replies still due are read and dropped.
        var reply: Reply?
        /// Replies still due (a pipeline waits for one per command).
        var remaining: Int
        let deadline: NIODeadline
        let isBlocking: Bool
        let id: UInt64
        let name: String
    }

    private var waiting = CircularBuffer<Waiting>(initialCapacity: 64)
    /// Replies received so far for the pipeline at the head of `waiting`.
    private var headReplies: [RESPValue] = []
    /// Replies due over all of `waiting`, and the requests parked until some arrive.
    private var admission: RedisRequestAdmission<RedisRequest>
    private var context: ChannelHandlerContext?
    private var closedError: RedisClientError?
    private var flushScheduled = false
    /// Commands encoded this event-loop tick, written together by the scheduled flush.
    private var pendingWrite: ByteBuffer?
    private var deadlineTimer: Scheduled<Void>?
    private let pushHandler: (@Sendable (RESPValue) -> Void)?
    /// Set once the connection subscribes over RESP2 (see ``routeRESP2Messages()``).
    private var routesRESP2Messages = false
    private let logger: Logger
    private let decoder: NIOSingleStepByteToMessageProcessor<RESPFrameDecoder>

    init(
        decoderLimits: RESPDecoder.Limits = .init(), maximumPendingReplies: Int = 10_000,
        pushHandler: (@Sendable (RESPValue) -> Void)?, logger: Logger
    ) {
        self.admission = RedisRequestAdmission(maximum: maximumPendingReplies)
        let frameDecoder = RESPFrameDecoder(decoder: RESPDecoder(limits: decoderLimits))
        self.decoder = NIOSingleStepByteToMessageProcessor(frameDecoder)
        self.pushHandler = pushHandler
        self.logger = logger
    }

    /// Number of commands waiting for a reply (each command of a pipeline counts).
    var inFlight: Int { self.admission.outstanding }

    /// Number of requests parked unsent because the connection owes too many replies.
    var parked: Int { self.admission.parkedCount }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.armDeadlineTimer()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.failAll(.connectionClosed())
        self.context = nil
        self.deadlineTimer?.cancel()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.failAll(.connectionClosed())
        self.deadlineTimer?.cancel()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        let clientError: RedisClientError
        if let decoding = error as? RESPDecodingError {
            clientError = .protocolError(decoding.message)
        } else if let e = error as? RedisClientError {
            clientError = e
        } else {
            clientError = .connectionClosed("connection error: \(error)")
        }
        self.logger.debug("redis connection error", metadata: ["error": "\(clientError.message)"])
        self.failAll(clientError)
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // After a protocol error or a failure the stream cannot be trusted; the channel is closing.
        guard self.closedError == nil else { return }
        do {
            try self.decoder.process(buffer: self.unwrapInboundIn(data)) { value in
                if self.closedError == nil { self.received(value, context: context) }
            }
        } catch {
            self.errorCaught(context: context, error: error)
        }
    }

    /// Routes one decoded value: a push frame to the push handler, a reply to the request at the head.
    private func received(_ value: RESPValue, context: ChannelHandlerContext) {
        if case .push(let items) = value.unwrappingAttributes {
            self.pushHandler?(value)
            // RESP3 confirms (P|S)(UN)SUBSCRIBE with pushes; the first one is also the command's reply.
            guard let head = self.waiting.first, Self.subscriptionCommands.contains(head.name),
                items.first?.string?.uppercased() == head.name
            else { return }
        } else if self.routesRESP2Messages, RESP2PubSubMessage.isMessage(value) {
            // A RESP2 connection in subscribed mode: messages are plain arrays nobody asked for.
            self.pushHandler?(value)
            return
        }
        guard var head = self.waiting.first else {
            self.errorCaught(context: context, error: RedisClientError.protocolError("reply without a request"))
            return
        }
        self.admission.replyReceived()
        defer { if self.admission.parkedCount > 0 { self.writeAdmitted() } }
        head.remaining -= 1
        if head.remaining > 0 {
            if head.reply != nil {
                if self.headReplies.isEmpty { self.headReplies.reserveCapacity(head.remaining + 1) }
                self.headReplies.append(value)
            }
            self.waiting[self.waiting.startIndex] = head
            return
        }
        self.waiting.removeFirst()
        switch head.reply {
        case .single(let continuation):
            continuation.resume(returning: value)
        case .pipeline(let continuation):
            var replies = self.headReplies
            self.headReplies = []
            replies.append(value)
            continuation.resume(returning: replies)
        case nil:
            self.headReplies.removeAll()
        }
    }

    /// From now on, RESP2 pub/sub message arrays go to the push handler, not to a request: call
    /// before sending `SUBSCRIBE` on a RESP2 connection (``RedisConnection/subscribe(_:timeout:)``).
    func routeRESP2Messages() {
        self.routesRESP2Messages = true
    }

    private static let subscriptionCommands: Set<String> = [
        "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE",
    ]

    /// Writes requests (or parks those past the bound) and schedules one flush for this event-loop tick.
    func send(_ requests: some Sequence<RedisRequest>) {
        guard let context = self.context, self.closedError == nil else {
            let error = self.closedError ?? .connectionClosed()
            for request in requests { request.fail(error) }
            return
        }
        for request in requests {
            if let admitted = self.admission.submit(request, replies: request.replyCount) {
                self.write(admitted, context: context)
            }
        }
    }

    /// Writes the parked requests that fit now that replies arrived.
    private func writeAdmitted() {
        guard let context = self.context else { return }
        while let request = self.admission.nextAdmitted() {
            self.write(request, context: context)
        }
    }

    /// Encodes an admitted request into this tick's buffer and schedules the flush.
    private func write(_ request: RedisRequest, context: ChannelHandlerContext) {
        // Every command of this tick goes into one buffer: one write, one iovec, one flush.
        var buffer = self.pendingWrite.take() ?? context.channel.allocator.buffer(capacity: 1024)
        let reply: Waiting.Reply
        switch request.payload {
        case .single(let command, let continuation):
            command.encode(into: &buffer)
            reply = .single(continuation)
        case .pipeline(let commands, let continuation):
            for command in commands { command.encode(into: &buffer) }
            reply = .pipeline(continuation)
        }
        self.waiting.append(
            Waiting(
                reply: reply, remaining: request.replyCount, deadline: request.deadline,
                isBlocking: request.isBlocking, id: request.id, name: request.name))
        self.pendingWrite = buffer
        if !self.flushScheduled {
            self.flushScheduled = true
            context.eventLoop.assumeIsolated().execute {
                self.flushScheduled = false
                self.writePending()
            }
        }
    }

    /// Writes and flushes the commands encoded since the last flush.
    private func writePending() {
        guard let context = self.context, let buffer = self.pendingWrite.take() else { return }
        context.writeAndFlush(self.wrapOutboundOut(buffer), promise: nil)
    }

    /// Fails a request whose caller was cancelled; its reply will be discarded when it comes.
    func cancel(id: UInt64) {
        guard let index = self.waiting.firstIndex(where: { $0.id == id }) else {
            // Never written: nothing to discard later.
            for request in self.admission.removeParked(where: { $0.id == id }) { request.fail(CancellationError()) }
            return
        }
        let request = self.waiting[index]
        request.reply?.fail(CancellationError())
        self.waiting[index].reply = nil
        if request.isBlocking {
            // The server would keep this connection blocked; close it rather than wait.
            self.context?.close(promise: nil)
        }
    }

    private func failAll(_ error: RedisClientError) {
        if self.closedError == nil { self.closedError = error }
        while let request = self.waiting.popFirst() {
            request.reply?.fail(error)
        }
        self.headReplies.removeAll()
        for request in self.admission.reset() { request.fail(error) }
    }

    private func armDeadlineTimer() {
        guard let context = self.context else { return }
        self.deadlineTimer = context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(100)) {
            self.checkDeadlines()
        }
    }

    private func checkDeadlines() {
        guard let context = self.context, self.closedError == nil else { return }
        if let head = self.waiting.first, head.deadline < .now() {
            self.logger.debug("redis command timed out", metadata: ["command": "\(head.name)"])
            self.failAll(.timeout(head.name))
            context.close(promise: nil)
            return
        }
        if self.admission.parkedCount > 0 {
            // Unsent, so the connection is still in step: only these requests fail.
            let now = NIODeadline.now()
            for request in self.admission.removeParked(where: { $0.deadline < now }) {
                request.fail(RedisClientError.tooManyPendingRequests(limit: self.admission.maximum))
            }
        }
        self.armDeadlineTimer()
    }
}
