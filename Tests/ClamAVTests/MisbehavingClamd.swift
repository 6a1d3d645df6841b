import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TestSupport

/// A TCP listener on 127.0.0.1 that plays a broken clamd: it closes the connection after some
/// bytes (a clamd killed mid-scan), never answers, or answers garbage. Raw NIO on purpose: these
/// are TCP-level failures, not HTTP.
final class MisbehavingClamd: Sendable {
    enum Behaviour: Sendable {
        /// Reads this many bytes, then closes the connection without a reply.
        case closeAfter(bytes: Int)
        /// Reads everything, never answers.
        case silent
        /// Answers `bytes` as soon as anything arrives, then closes.
        case reply([UInt8])
    }

    let port: Int
    private let channel: any Channel
    private let received: NIOLockedValueBox<Int>

    /// Bytes received over all connections.
    var bytesReceived: Int { self.received.withLockedValue { $0 } }

    private init(port: Int, channel: any Channel, received: NIOLockedValueBox<Int>) {
        self.port = port
        self.channel = channel
        self.received = received
    }

    /// Runs `body` with a listener that behaves as `behaviour`, then closes the listener.
    static func with<T>(_ behaviour: Behaviour, _ body: (MisbehavingClamd) async throws -> T) async throws -> T {
        let counter = NIOLockedValueBox(0)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Handler(behaviour: behaviour, counter: counter))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let server = MisbehavingClamd(port: channel.localAddress!.port!, channel: channel, received: counter)
        return try await withCleanup {
            try await body(server)
        } cleanup: {
            try? await channel.close()
        }
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let behaviour: Behaviour
        let counter: NIOLockedValueBox<Int>
        var seen = 0

        init(behaviour: Behaviour, counter: NIOLockedValueBox<Int>) {
            self.behaviour = behaviour
            self.counter = counter
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = Self.unwrapInboundIn(data).readableBytes
            self.seen += bytes
            self.counter.withLockedValue { $0 += bytes }
            switch self.behaviour {
            case .closeAfter(let limit):
                if self.seen >= limit { context.close(promise: nil) }
            case .silent:
                break
            case .reply(let reply):
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(bytes: reply))).whenComplete { _ in
                    // Half-close: the peer reads the reply, then EOF (a full close with unread input would be a reset).
                    bound.value.close(mode: .output, promise: nil)
                }
            }
        }
    }
}
