import Foundation
import Hummingbird
import NIOCore

/// An in-process GitHub + X/Twitter + LinkedIn API (one Hummingbird app, one port) for the
/// `verify_social` tests and benchmark.
///
/// It checks what the real APIs check: GitHub's `Accept`, `X-GitHub-Api-Version` and
/// `User-Agent` headers, X's `user.fields` query, and every `Authorization` header (a wrong or
/// missing token gets `401` as from the real API). Accounts are made up from the handle:
///
/// | handle | answer |
/// |---|---|
/// | `octocat` | a 2011 account, name "The Octocat", blog `https://blueprint.example/u/octocat`, email `octocat@github.com` |
/// | `newbie` | an account created 3 days ago |
/// | `missing...` | no such account (GitHub 404 / GraphQL NOT_FOUND, X `Not Found Error`) |
/// | `toomany` | 429 with `Retry-After: 30` |
/// | `ratelimited` | 403 (X: 429) with `x-ratelimit-remaining: 0` and a reset 120 s ahead |
/// | `broken` | 503 (also for a GraphQL batch naming it) |
/// | `garbage`, `truncated`, `huge` | 200 with HTML, cut JSON, a 2 MB body |
/// | anything else | a 2015 account named "User <handle>" |
public final class FakeSocialAPI: Sendable {
    public static let githubAppToken = "ghs_APPTOKEN_0123456789"
    public static let githubUserToken = "gho_USERTOKEN_SECRET_4f9a1c"
    public static let twitterAppToken = "AAAA_TWITTER_APP_BEARER"
    public static let twitterUserToken = "tw_USERTOKEN_SECRET_77e2"
    public static let linkedinUserToken = "AQX_LINKEDIN_USER_SECRET_91b"

    /// One request as received.
    public struct Request: Sendable {
        public let method: String
        public let path: String
        public let query: String
        /// Lower-cased names.
        public let headers: [String: String]
        public let body: [UInt8]
    }

    private let recorded = LockedBox<[Request]>([])
    public let port: Int
    public var baseURL: String { "http://127.0.0.1:\(self.port)" }

    private init(port: Int) { self.port = port }

    /// Every request so far.
    public var requests: [Request] { self.recorded.current }

    /// Requests whose path starts with `prefix`.
    public func count(_ prefix: String) -> Int {
        self.recorded.withLock { $0.filter { $0.path.hasPrefix(prefix) }.count }
    }

    /// Forgets the requests so far.
    public func reset() { self.recorded.withLock { $0 = [] } }

    /// Runs the fake while `body` runs.
    public static func run<Value>(_ body: (FakeSocialAPI) async throws -> Value) async throws -> Value {
        let holder = LockedBox<FakeSocialAPI?>(nil)
        let router = Router()
        let handler: @Sendable (Hummingbird.Request, BasicRequestContext) async throws -> Response = { request, _ in
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let seen = Request(
                method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "",
                headers: headers,
                body: Array(bytes.readableBytesView))
            holder.current?.recorded.withLock { $0.append(seen) }
            let (status, text, extra) = Self.answer(seen)
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
            let api = FakeSocialAPI(port: port)
            holder.withLock { $0 = api }
            return try await body(api)
        }
    }

    typealias Answer = (Int, String, [(String, String)])

    static func answer(_ request: Request) -> Answer {
        let unauthorized: Answer = (401, #"{"message":"Bad credentials","status":"401"}"#, [])
        let auth = request.headers["authorization"]
        let path = request.path
        if path.hasPrefix("/users/") || path == "/user" || path == "/graphql" {
            guard request.headers["accept"] == "application/vnd.github+json",
                request.headers["x-github-api-version"] == "2022-11-28",
                !(request.headers["user-agent"] ?? "").isEmpty
            else { return (400, #"{"message":"fake GitHub: missing Accept, X-GitHub-Api-Version or User-Agent"}"#, []) }
            if path == "/user" {
                guard auth == "Bearer \(githubUserToken)" else { return unauthorized }
                return gitHubREST("octocat")
            }
            if path == "/graphql" {
                guard request.method == "POST", auth == "Bearer \(githubAppToken)" else { return unauthorized }
                return gitHubGraphQL(request.body)
            }
            if let auth, auth != "Bearer \(githubAppToken)" { return unauthorized }
            return gitHubREST(String(path.dropFirst("/users/".count)))
        }
        if path.hasPrefix("/2/users/") {
            let unauthorizedX: Answer = (
                401, #"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#, []
            )
            guard request.query.contains("user.fields=created_at,description,url,entities,verified") else {
                return (400, #"{"title":"Invalid Request","detail":"fake X: missing user.fields"}"#, [])
            }
            if path == "/2/users/me" {
                guard auth == "Bearer \(twitterUserToken)" else { return unauthorizedX }
                return twitter("octocat")
            }
            guard auth == "Bearer \(twitterAppToken)", path.hasPrefix("/2/users/by/username/") else {
                return unauthorizedX
            }
            return twitter(String(path.dropFirst("/2/users/by/username/".count)))
        }
        if path == "/v2/userinfo" {
            guard auth == "Bearer \(linkedinUserToken)" else {
                return (401, #"{"serviceErrorCode":65600,"message":"Invalid access token","status":401}"#, [])
            }
            return (
                200,
                #"{"sub":"782bbtaQ","name":"Kim  Min-jun","given_name":"Min-jun","family_name":"Kim","email":"MJ.Kim@example.com","email_verified":true,"locale":"ko-KR"}"#,
                []
            )
        }
        return (404, #"{"message":"Not Found"}"#, [])
    }

    /// The special answers shared by the APIs, or `nil` for an account.
    static func special(_ handle: String, rateLimitStatus: Int) -> Answer? {
        let reset = Int(Date().timeIntervalSince1970) + 120
        switch handle.lowercased() {
        case "toomany": return (429, #"{"message":"Too Many Requests"}"#, [("Retry-After", "30")])
        case "ratelimited":
            return (
                rateLimitStatus, #"{"message":"API rate limit exceeded"}"#,
                [
                    ("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "\(reset)"), ("x-rate-limit-remaining", "0"),
                    ("x-rate-limit-reset", "\(reset)"),
                ]
            )
        case "broken": return (503, "upstream unavailable", [])
        case "garbage": return (200, "<html><body>Service temporarily unavailable</body></html>", [])
        default: return nil
        }
    }

    static func created(_ handle: String) -> String {
        switch handle.lowercased() {
        case "octocat": return "2011-01-25T18:44:36Z"
        case "newbie": return Date(timeIntervalSinceNow: -3 * 86_400).formatted(Date.ISO8601FormatStyle())
        default: return "2015-06-01T12:00:00Z"
        }
    }

    static func id(_ handle: String) -> Int {
        abs(handle.lowercased().utf8.reduce(7) { ($0 &* 31 &+ Int($1)) % 1_000_000_007 })
    }

    static func gitHubUserJSON(_ handle: String) -> [String: Any] {
        let lower = handle.lowercased()
        return [
            "login": handle, "id": id(handle), "name": lower == "octocat" ? "The Octocat" : "User \(handle)",
            "blog": lower == "octocat" ? "https://blueprint.example/u/octocat" : "",
            "bio": lower == "octocat" ? "I build things. Profile: blueprint.example/u/octocat" : NSNull(),
            "email": lower == "octocat" ? "octocat@github.com" : NSNull(), "created_at": created(handle),
        ]
    }

    static func json(_ object: Any) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object)) ?? Data(), as: UTF8.self)
    }

    static func gitHubREST(_ handle: String) -> Answer {
        if let special = special(handle, rateLimitStatus: 403) { return special }
        switch handle.lowercased() {
        case let name where name.hasPrefix("missing"):
            return (
                404,
                #"{"message":"Not Found","documentation_url":"https://docs.github.com/rest/users/users#get-a-user"}"#,
                []
            )
        case "truncated": return (200, #"{"login":"truncated","id":12,"na"#, [])
        case "huge":
            var user = gitHubUserJSON(handle)
            user["bio"] = String(repeating: "x", count: 2 << 20)
            return (200, json(user), [])
        default: return (200, json(gitHubUserJSON(handle)), [])
        }
    }

    static func gitHubGraphQL(_ body: [UInt8]) -> Answer {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let query = object["query"] as? String
        else {
            return (400, #"{"message":"Problems parsing JSON"}"#, [])
        }
        let pattern = try! NSRegularExpression(pattern: #"(u[0-9]+): user\(login: "([A-Za-z0-9-]+)"\) \{ \.\.\.f \}"#)
        let matches = pattern.matches(in: query, range: NSRange(query.startIndex..., in: query))
        guard !matches.isEmpty,
            query.contains("fragment f on User { databaseId login name email websiteUrl bio createdAt }")
        else {
            return (200, #"{"errors":[{"message":"fake GitHub: unexpected query"}]}"#, [])
        }
        var data: [String: Any] = [:]
        var errors: [[String: Any]] = []
        for match in matches {
            let alias = String(query[Range(match.range(at: 1), in: query)!])
            let login = String(query[Range(match.range(at: 2), in: query)!])
            if login.lowercased() == "broken" { return (502, "bad gateway", []) }
            if login.lowercased().hasPrefix("missing") {
                data[alias] = NSNull()
                errors.append([
                    "type": "NOT_FOUND", "path": [alias],
                    "message": "Could not resolve to a User with the login of '\(login)'.",
                ])
                continue
            }
            let rest = gitHubUserJSON(login)
            data[alias] = [
                "databaseId": rest["id"]!, "login": login, "name": rest["name"]!,
                "email": rest["email"] is NSNull ? "" : rest["email"]!,
                "websiteUrl": rest["blog"]!, "bio": rest["bio"] is NSNull ? "" : rest["bio"]!,
                "createdAt": rest["created_at"]!,
            ]
        }
        var answer: [String: Any] = ["data": data]
        if !errors.isEmpty { answer["errors"] = errors }
        return (200, json(answer), [])
    }

    static func twitter(_ handle: String) -> Answer {
        if let special = special(handle, rateLimitStatus: 429) { return special }
        let lower = handle.lowercased()
        if lower.hasPrefix("missing") {
            return (
                200,
                #"{"errors":[{"value":"\#(handle)","detail":"Could not find user with username: [\#(handle)].","title":"Not Found Error","resource_type":"user","parameter":"username","resource_id":"\#(handle)","type":"https://api.twitter.com/2/problems/resource-not-found"}]}"#,
                []
            )
        }
        if lower == "truncated" { return (200, #"{"data":{"id":"1","username":"trunc"#, []) }
        let user: [String: Any] = [
            "id": String(id(handle)), "name": lower == "octocat" ? "The Octocat" : "User \(handle)", "username": handle,
            "created_at": created(handle).replacingOccurrences(of: "Z", with: ".000Z"),
            "description": lower == "octocat" ? "Building things https://t.co/abc" : "",
            "url": lower == "octocat" ? "https://t.co/xyz" : "",
            "entities": [
                "url": [
                    "urls": [
                        [
                            "url": "https://t.co/xyz", "expanded_url": "https://www.blueprint.example/u/octocat/",
                            "display_url": "blueprint.example/u/octocat",
                        ]
                    ]
                ]
            ],
            "verified": false,
        ]
        return (200, json(["data": user]), [])
    }
}
