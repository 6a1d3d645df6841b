import Foundation
import Hummingbird
import TestSupport
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// A small Hummingbird app that plays a provider API: it records every request and answers with
/// what `respond` returns (status, body, headers). The checks on the request shape live in the
/// tests. Use ``run(respond:_:)``: the app runs while the closure runs.
struct FakeProviderServer: Sendable {
    struct Request: Sendable {
        let method: String
        let uri: String
        /// Lower-cased names.
        let headers: [String: String]
        let body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
    }

    typealias Responder = @Sendable (Request) -> (Int, String, [(String, String)])

    let port: Int
    private let recorded: NIOLockedValueBox<[Request]>

    var baseURL: URL { URL(string: "http://127.0.0.1:\(self.port)")! }
    /// The requests received so far, in order.
    var requests: [Request] { self.recorded.withLockedValue { $0 } }

    /// Runs the fake on 127.0.0.1 (a free port, learnt from `onServerRunning`) while `body` runs,
    /// then shuts it down gracefully.
    static func run<Value>(respond: @escaping Responder, _ body: (FakeProviderServer) async throws -> Value)
        async throws -> Value
    {
        let recorded = NIOLockedValueBox<[Request]>([])
        let router = Router()
        let handler: @Sendable (Hummingbird.Request, BasicRequestContext) async throws -> Response = { request, _ in
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let seen = Request(
                method: request.method.rawValue, uri: request.uri.string, headers: headers,
                body: Array(bytes.readableBytesView))
            recorded.withLockedValue { $0.append(seen) }
            let (status, text, extra) = respond(seen)
            var fields: HTTPFields = [.contentType: "application/json"]
            for (name, value) in extra {
                if let name = HTTPFields.Element.Name(name) { fields.append(.init(name: name, value: value)) }
            }
            return Response(
                status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("**", use: handler)
        router.post("**", use: handler)

        return try await withFakeHTTPServer(router) { port in
            try await body(FakeProviderServer(port: port, recorded: recorded))
        }
    }
}
