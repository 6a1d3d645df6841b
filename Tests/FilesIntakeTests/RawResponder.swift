import NIOCore
import NIOPosix
import TestSupport

/// A TCP listener that answers every connection with fixed bytes, then closes: malformed or
/// truncated HTTP responses that no HTTP server library would produce.
enum RawResponder {
    static func with<T>(host: String, reply: [UInt8], _ body: (_ port: Int) async throws -> T) async throws -> T {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ReplyHandler(reply: reply))
                }
            }
            .bind(host: host, port: 0).get()
        let port = channel.localAddress!.port!
        return try await withCleanup {
            try await body(port)
        } cleanup: {
            try? await channel.close()
        }
    }

    /// Waits for the whole request head (a close with unread bytes would be a reset), then writes
    /// the reply and closes.
    private final class ReplyHandler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let reply: [UInt8]
        var received: [UInt8] = []
        var answered = false

        init(reply: [UInt8]) { self.reply = reply }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !self.answered else { return }
            self.received += Self.unwrapInboundIn(data).readableBytesView
            guard self.received.count >= 4, self.received.suffix(4) == Array("\r\n\r\n".utf8)[...] else { return }
            self.answered = true
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(bytes: self.reply))).whenComplete { _ in
                // Half-close: the peer reads the reply, then EOF (a full close with unread input would be a reset).
                bound.value.close(mode: .output, promise: nil)
            }
        }
    }
}
