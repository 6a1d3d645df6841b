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
    /// Replies due over all of `waiting`.
    private var repliesDue = 0
    private var context: ChannelHandlerContext?
    private var closedError: RedisClientError?
    private var flushScheduled = false
    /// Commands encoded this event-loop tick, written together by the scheduled flush.
    private var pendingWrite: ByteBuffer?
    private var deadlineTimer: Scheduled<Void>?
    private let pushHandler: (@Sendable (RESPValue) -> Void)?
    private let logger: Logger
    private let decoder: NIOSingleStepByteToMessageProcessor<RESPFrameDecoder>

    init(
        decoderLimits: RESPDecoder.Limits = .init(), pushHandler: (@Sendable (RESPValue) -> Void)?, logger: Logger
    ) {
        let frameDecoder = RESPFrameDecoder(decoder: RESPDecoder(limits: decoderLimits))
        self.decoder = NIOSingleStepByteToMessageProcessor(frameDecoder)
        self.pushHandler = pushHandler
        self.logger = logger
    }

    /// Number of commands waiting for a reply (each command of a pipeline counts).
    var inFlight: Int { self.repliesDue }

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
        }
        guard var head = self.waiting.first else {
            self.errorCaught(context: context, error: RedisClientError.protocolError("reply without a request"))
            return
        }
        self.repliesDue -= 1
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

    private static let subscriptionCommands: Set<String> = [
        "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE",
    ]

    /// Writes requests and schedules one flush for this event-loop tick.
    func send(_ requests: some Sequence<RedisRequest>) {
        guard let context = self.context, self.closedError == nil else {
            let error = self.closedError ?? .connectionClosed()
            for request in requests { request.fail(error) }
            return
        }
        // Every command of this tick goes into one buffer: one write, one iovec, one flush.
        var buffer = self.pendingWrite.take() ?? context.channel.allocator.buffer(capacity: 1024)
        for request in requests {
            let reply: Waiting.Reply
            switch request.payload {
            case .single(let command, let continuation):
                command.encode(into: &buffer)
                reply = .single(continuation)
            case .pipeline(let commands, let continuation):
                for command in commands { command.encode(into: &buffer) }
                reply = .pipeline(continuation)
            }
            let count = request.replyCount
            self.repliesDue += count
            self.waiting.append(
                Waiting(
                    reply: reply, remaining: count, deadline: request.deadline, isBlocking: request.isBlocking,
                    id: request.id, name: request.name))
        }
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
        guard let index = self.waiting.firstIndex(where: { $0.id == id }) else { return }
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
        self.repliesDue = 0
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
        self.armDeadlineTimer()
    }
}
