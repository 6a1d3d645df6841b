import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// An in-process HTTP server that plays a provider API: it records every request and answers with
/// what `respond` returns (status, body, headers). The checks on the request shape live in the tests.
final class FakeProviderServer: Sendable {
    struct Request: Sendable {
        let method: String
        let uri: String
        let headers: [String: String]
        let body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
    }

    typealias Responder = @Sendable (Request) -> (Int, String, [(String, String)])

    private let channel: any Channel
    private let recorded: NIOLockedValueBox<[Request]>
    let port: Int

    init(respond: @escaping Responder) async throws {
        let recorded = NIOLockedValueBox<[Request]>([])
        self.recorded = recorded
        self.channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(recorded: recorded, respond: respond))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        self.port = self.channel.localAddress?.port ?? 0
    }

    var baseURL: URL { URL(string: "http://127.0.0.1:\(self.port)")! }
    var requests: [Request] { self.recorded.withLockedValue { $0 } }

    func close() async {
        try? await self.channel.close()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let recorded: NIOLockedValueBox<[Request]>
        let respond: Responder
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(recorded: NIOLockedValueBox<[Request]>, respond: @escaping Responder) {
            self.recorded = recorded
            self.respond = respond
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch self.unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                self.body = []
            case .body(var buffer):
                self.body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                guard let head else { return }
                var headers: [String: String] = [:]
                for (name, value) in head.headers { headers[name.lowercased()] = value }
                let request = Request(method: head.method.rawValue, uri: head.uri, headers: headers, body: self.body)
                self.recorded.withLockedValue { $0.append(request) }
                let (status, body, extra) = self.respond(request)
                var responseHeaders = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", String(body.utf8.count)), ("Connection", "close")])
                for (name, value) in extra { responseHeaders.add(name: name, value: value) }
                context.write(self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: responseHeaders))), promise: nil)
                context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
                let channel = context.channel
                context.writeAndFlush(self.wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
            }
        }
    }
}
