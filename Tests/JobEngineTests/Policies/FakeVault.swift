import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// An in-process fake of HashiCorp Vault speaking its documented HTTP API for the calls the
/// worker makes: KV v2 read (`GET /v1/<mount>/data/<path>`, `X-Vault-Token`) and Kubernetes
/// login (`POST /v1/auth/<mount>/login` with `role` and `jwt`). Unknown tokens get 403 with
/// `{"errors":["permission denied"]}`, as Vault answers.
final class FakeVault: Sendable {
    struct State: Sendable {
        var secrets: [String: [String: String]] = [:]  // "mount/path" -> fields
        var tokens: Set<String> = []
        var roles: [String: String] = [:]  // role -> accepted jwt
        var requests: [String] = []
        var logins = 0
    }

    let state = NIOLockedValueBox(State())
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let channel: any Channel
    var port: Int { self.channel.localAddress!.port! }
    var address: String { "http://127.0.0.1:\(self.port)" }

    init() async throws {
        let state = self.state
        self.channel = try await ServerBootstrap(group: self.group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(state: state))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func shutdown() async throws {
        try await self.channel.close()
        try await self.group.shutdownGracefully()
    }

    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let state: NIOLockedValueBox<State>
        var head: HTTPRequestHead?
        var body = ByteBuffer()

        init(state: NIOLockedValueBox<State>) {
            self.state = state
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch self.unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                self.body.clear()
            case .body(var part):
                self.body.writeBuffer(&part)
            case .end:
                guard let head = self.head else { return }
                let (status, json) = self.respond(head, body: Data(self.body.readableBytesView))
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: String(json.utf8.count))
                context.write(self.wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
                context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: json)))), promise: nil)
                context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
            }
        }

        func respond(_ head: HTTPRequestHead, body: Data) -> (HTTPResponseStatus, String) {
            self.state.withLockedValue { $0.requests.append("\(head.method.rawValue) \(head.uri)") }
            let denied = (HTTPResponseStatus.forbidden, #"{"errors":["permission denied"]}"#)
            if head.method == .POST, head.uri.hasPrefix("/v1/auth/"), head.uri.hasSuffix("/login") {
                guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: String],
                      let role = object["role"], let jwt = object["jwt"]
                else { return (.badRequest, #"{"errors":["missing role or jwt"]}"#) }
                return self.state.withLockedValue { state in
                    guard state.roles[role] == jwt else { return denied }
                    state.logins += 1
                    let token = "hvs.k8s-\(state.logins)-\(UUID().uuidString)"
                    state.tokens.insert(token)
                    return (.ok, #"{"auth":{"client_token":"\#(token)","lease_duration":3600,"renewable":true}}"#)
                }
            }
            guard head.method == .GET, head.uri.hasPrefix("/v1/"), head.uri.contains("/data/") else {
                return (.notFound, #"{"errors":[]}"#)
            }
            let token = head.headers.first(name: "X-Vault-Token") ?? ""
            return self.state.withLockedValue { state in
                guard state.tokens.contains(token) else { return denied }
                let path = String(head.uri.dropFirst(4)).replacingOccurrences(of: "/data/", with: "/")
                guard let fields = state.secrets[path] else { return (.notFound, #"{"errors":[]}"#) }
                let data = (try? JSONSerialization.data(withJSONObject: ["data": ["data": fields, "metadata": ["version": 1]]])) ?? Data()
                return (.ok, String(decoding: data, as: UTF8.self))
            }
        }
    }
}
