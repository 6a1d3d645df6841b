import NIOCore
import NIOPosix
import RESP
import RedisClient
import TestSupport

/// A TCP server on 127.0.0.1 that reads RESP commands and answers what the test tells it to:
/// well-formed replies, garbage, or nothing at all.
final class FakeRedisServer: Sendable {
    /// What to do with one received command.
    enum Answer: Sendable {
        /// Write these bytes as they are.
        case bytes(String)
        /// Write nothing.
        case silence
    }

    /// Decides the answer to the `index`th command (0-based, per connection); `command` holds its arguments.
    typealias Responder = @Sendable (_ index: Int, _ command: [String]) -> Answer

    private let channel: any Channel

    /// The port the server listens on.
    let port: Int

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    static func start(_ responder: @escaping Responder) async throws -> FakeRedisServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(CommandDecoder()))
                    try channel.pipeline.syncOperations.addHandler(AnsweringHandler(responder: responder))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else { throw TestFailure("fake server has no port") }
        return FakeRedisServer(channel: channel, port: port)
    }

    /// A client configuration pointing at this server. The timeouts are long enough not to fire
    /// on a loaded machine: tests about timeouts shorten them.
    var configuration: RedisConfiguration {
        var configuration = RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: self.port))
        configuration.connectTimeout = .seconds(5)
        configuration.commandTimeout = .seconds(10)
        configuration.poolSize = 1
        return configuration
    }

    /// ``configuration`` with a short command timeout, for tests that expect it to fire.
    var impatientConfiguration: RedisConfiguration {
        var configuration = self.configuration
        configuration.commandTimeout = .milliseconds(500)
        return configuration
    }

    /// Stops listening (connections already accepted close when their client closes them).
    func stop() {
        self.channel.close(promise: nil)
    }

    /// A minimal `HELLO 3` reply (a map), so the client's handshake succeeds.
    static let helloReply = "%1\r\n$5\r\nproto\r\n:3\r\n"

    private struct CommandDecoder: NIOSingleStepByteToMessageDecoder {
        typealias InboundOut = RESPValue
        let decoder = RESPDecoder()

        mutating func decode(buffer: inout ByteBuffer) throws -> RESPValue? {
            try self.decoder.decode(buffer: &buffer)
        }

        mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> RESPValue? {
            try self.decode(buffer: &buffer)
        }
    }

    private final class AnsweringHandler: ChannelInboundHandler {
        typealias InboundIn = RESPValue
        typealias OutboundOut = ByteBuffer

        private let responder: Responder
        private var index = 0

        init(responder: @escaping Responder) {
            self.responder = responder
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let command = (self.unwrapInboundIn(data).array ?? []).map { $0.string ?? "" }
            defer { self.index += 1 }
            switch self.responder(self.index, command) {
            case .bytes(let text):
                context.writeAndFlush(
                    self.wrapOutboundOut(context.channel.allocator.buffer(string: text)), promise: nil)
            case .silence:
                break
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
