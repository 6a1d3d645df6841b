import Foundation
import Hummingbird
import TestSupport
import NIOConcurrencyHelpers

/// A small Hummingbird app that fakes HashiCorp Vault's documented HTTP API for the calls the
/// worker makes: KV v2 read (`GET /v1/<mount>/data/<path>`, `X-Vault-Token`) and Kubernetes
/// login (`POST /v1/auth/<mount>/login` with `role` and `jwt`). Unknown tokens get 403 with
/// `{"errors":["permission denied"]}`, as Vault answers. Use ``run(_:)``: the app runs while the
/// closure runs.
struct FakeVault: Sendable {
    struct State: Sendable {
        var secrets: [String: [String: String]] = [:]  // "mount/path" -> fields
        var tokens: Set<String> = []
        var roles: [String: String] = [:]  // role -> accepted jwt
        var requests: [String] = []
        var logins = 0
    }

    let state: NIOLockedValueBox<State>
    let port: Int
    var address: String { "http://127.0.0.1:\(self.port)" }

    /// Runs the fake on 127.0.0.1 (a free port, learnt from `onServerRunning`) while `body` runs.
    static func run<Value>(_ body: (FakeVault) async throws -> Value) async throws -> Value {
        let state = NIOLockedValueBox(State())
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let bytes = try await request.body.collect(upTo: 1 << 16)
            var token = ""
            for field in request.headers where field.name.canonicalName == "x-vault-token" { token = field.value }
            let (status, json) = Self.respond(
                state: state, method: request.method.rawValue, uri: request.uri.string, token: token,
                body: Data(bytes.readableBytesView))
            return Response(
                status: .init(code: status), headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: json)))
        }
        router.get("**", use: handler)
        router.post("**", use: handler)

        return try await withFakeHTTPServer(router) { port in
            try await body(FakeVault(state: state, port: port))
        }
    }

    /// Vault's answer (status, JSON) to one request.
    static func respond(state: NIOLockedValueBox<State>, method: String, uri: String, token: String, body: Data) -> (
        Int, String
    ) {
        state.withLockedValue { $0.requests.append("\(method) \(uri)") }
        let denied = (403, #"{"errors":["permission denied"]}"#)
        if method == "POST", uri.hasPrefix("/v1/auth/"), uri.hasSuffix("/login") {
            guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: String],
                let role = object["role"], let jwt = object["jwt"]
            else { return (400, #"{"errors":["missing role or jwt"]}"#) }
            return state.withLockedValue { state in
                guard state.roles[role] == jwt else { return denied }
                state.logins += 1
                let token = "hvs.k8s-\(state.logins)-\(UUID().uuidString)"
                state.tokens.insert(token)
                return (200, #"{"auth":{"client_token":"\#(token)","lease_duration":3600,"renewable":true}}"#)
            }
        }
        guard method == "GET", uri.hasPrefix("/v1/"), uri.contains("/data/") else {
            return (404, #"{"errors":[]}"#)
        }
        return state.withLockedValue { state in
            guard state.tokens.contains(token) else { return denied }
            let path = String(uri.dropFirst(4)).replacingOccurrences(of: "/data/", with: "/")
            guard let fields = state.secrets[path] else { return (404, #"{"errors":[]}"#) }
            let data =
                (try? JSONSerialization.data(withJSONObject: ["data": ["data": fields, "metadata": ["version": 1]]]))
                ?? Data()
            return (200, String(decoding: data, as: UTF8.self))
        }
    }
}
