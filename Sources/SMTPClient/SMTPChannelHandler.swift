import NIOCore
import NIOSSL
import SMTPProtocol

/// Executes writes and matches replies to them in FIFO order; all parsing is in ``SMTPReplyParser``.
///
/// A reply that arrives before anyone waits for it (the greeting) is kept until the next promise.
/// One timer bounds the wait for the oldest outstanding reply; when it fires, or the connection
/// fails, every outstanding promise fails and the channel is closed. Event-loop confined.
final class SMTPChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = SMTPOutbound
    typealias OutboundOut = ByteBuffer

    private let parser = SMTPReplyParser()
    private let commandTimeout: TimeAmount
    private var buffer = ByteBuffer()
    private var waiters = CircularBuffer<EventLoopPromise<SMTPReply>>()
    private var unclaimed = CircularBuffer<SMTPReply>()
    private var timer: Scheduled<Void>?
    private var failure: SMTPError?
    private var context: ChannelHandlerContext?

    init(commandTimeout: TimeAmount) {
        self.commandTimeout = commandTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        self.fail(.closed)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let outbound = self.unwrapOutboundIn(data)
        if let failure {
            for reply in outbound.replies { reply.fail(failure) }
            promise?.fail(failure)
            return
        }
        for reply in outbound.replies {
            if let early = self.unclaimed.popFirst() {
                reply.succeed(early)
            } else {
                self.waiters.append(reply)
            }
        }
        self.armTimer()
        context.write(self.wrapOutboundOut(outbound.bytes), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = self.unwrapInboundIn(data)
        self.buffer.writeBuffer(&incoming)
        do {
            while let reply = try self.parser.parse(&self.buffer) {
                if let waiter = self.waiters.popFirst() {
                    waiter.succeed(reply)
                } else if self.unclaimed.count < 16 {
                    self.unclaimed.append(reply)
                } else {
                    throw SMTPProtocolError.malformedReply("too many unsolicited replies")
                }
            }
            self.buffer.discardReadBytes()
            self.armTimer()
        } catch {
            self.fail(.protocolViolation((error as? SMTPProtocolError)?.message ?? "\(error)"))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.fail(.closed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let failure: SMTPError
        if let error = error as? SMTPError {
            failure = error
        } else if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            failure = .tls("\(error)")
        } else {
            failure = .connect("\(error)")
        }
        self.fail(failure)
        context.close(promise: nil)
    }

    /// (Re)starts the timer for the oldest outstanding reply, or stops it when none is outstanding.
    private func armTimer() {
        self.timer?.cancel()
        self.timer = nil
        guard !self.waiters.isEmpty, let context else { return }
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        self.timer = context.eventLoop.scheduleTask(in: self.commandTimeout) {
            let handler = loopBound.value
            handler.fail(.timeout("a command"))
            handler.context?.close(promise: nil)
        }
    }

    private func fail(_ error: SMTPError) {
        if self.failure == nil { self.failure = error }
        self.timer?.cancel()
        self.timer = nil
        while let waiter = self.waiters.popFirst() { waiter.fail(error) }
    }
}
