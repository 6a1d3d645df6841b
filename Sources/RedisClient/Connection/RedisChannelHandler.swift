import Logging
import NIOCore
import RESP

/// Matches replies to requests in order on one connection; routes push frames apart.
///
/// Runs on the channel's event loop only. Requests are written without flushing and one flush
/// is scheduled per event-loop tick, so concurrent callers are pipelined into few syscalls.
/// A request past its deadline means the server or network is stuck: every waiting request
/// fails and the connection closes (its later replies could no longer be matched).
final class RedisChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = RESPValue
    typealias OutboundIn = Never
    typealias OutboundOut = ByteBuffer

    private struct Waiting {
        var promise: EventLoopPromise<RESPValue>?
        let deadline: NIODeadline
        let isBlocking: Bool
        let id: UInt64
        let name: String
    }

    private var waiting = CircularBuffer<Waiting>(initialCapacity: 64)
    private var context: ChannelHandlerContext?
    private var closedError: RedisClientError?
    private var flushScheduled = false
    private var deadlineTimer: Scheduled<Void>?
    private let pushHandler: (@Sendable (RESPValue) -> Void)?
    private let logger: Logger

    init(pushHandler: (@Sendable (RESPValue) -> Void)?, logger: Logger) {
        self.pushHandler = pushHandler
        self.logger = logger
    }

    /// Number of requests waiting for a reply.
    var inFlight: Int { self.waiting.count }

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
        let value = self.unwrapInboundIn(data)
        if case .push(let items) = value.unwrappingAttributes {
            self.pushHandler?(value)
            // RESP3 confirms (P|S)(UN)SUBSCRIBE with pushes; the first one is also the command's reply.
            guard let head = self.waiting.first, Self.subscriptionCommands.contains(head.name),
                items.first?.string?.uppercased() == head.name
            else { return }
        }
        guard let head = self.waiting.popFirst() else {
            self.errorCaught(context: context, error: RedisClientError.protocolError("reply without a request"))
            return
        }
        head.promise?.succeed(value)
    }

    private static let subscriptionCommands: Set<String> = [
        "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE",
    ]

    /// Writes requests and schedules one flush for this event-loop tick.
    func send(_ requests: some Sequence<RedisRequest>) {
        guard let context = self.context, self.closedError == nil else {
            let error = self.closedError ?? .connectionClosed()
            for request in requests { request.promise.fail(error) }
            return
        }
        for request in requests {
            var buffer = context.channel.allocator.buffer(capacity: request.command.encodedArguments.readableBytes + 16)
            request.command.encode(into: &buffer)
            self.waiting.append(
                Waiting(promise: request.promise, deadline: request.deadline, isBlocking: request.isBlocking,
                        id: request.id, name: request.command.name))
            context.write(self.wrapOutboundOut(buffer), promise: nil)
        }
        if !self.flushScheduled {
            self.flushScheduled = true
            context.eventLoop.assumeIsolated().execute {
                self.flushScheduled = false
                self.context?.flush()
            }
        }
    }

    /// Fails a request whose caller was cancelled; its reply will be discarded when it comes.
    func cancel(id: UInt64) {
        guard let index = self.waiting.firstIndex(where: { $0.id == id }) else { return }
        let request = self.waiting[index]
        request.promise?.fail(CancellationError())
        self.waiting[index].promise = nil
        if request.isBlocking {
            // The server would keep this connection blocked; close it rather than wait.
            self.context?.close(promise: nil)
        }
    }

    private func failAll(_ error: RedisClientError) {
        if self.closedError == nil { self.closedError = error }
        while let request = self.waiting.popFirst() {
            request.promise?.fail(error)
        }
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
