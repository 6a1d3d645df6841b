import Foundation
import NIOHTTP1
import OutboundHTTP

/// GitHub's REST and GraphQL APIs, as `verify_social` uses them.
///
/// ```
/// GET  {base}/users/{login}          app token if set (public data works without, at 60 calls/h)
/// GET  {base}/user                   the user's OAuth token
/// POST {base}/graphql                app token (required): many users in one query
/// Accept: application/vnd.github+json
/// X-GitHub-Api-Version: 2022-11-28
/// User-Agent: blueprint-worker
/// Authorization: Bearer <token>
/// ```
public struct GitHubAPI: Sendable {
    /// `https://api.github.com`.
    public let baseURL: String
    /// `GITHUB_TOKEN`; never logged.
    let appToken: String?
    let http: SocialHTTP

    /// Whether bulk GraphQL lookups are possible (GitHub's GraphQL API needs a token).
    public var supportsGraphQL: Bool { self.appToken != nil }

    /// Creates the client; `now` is the wall clock used for `x-ratelimit-reset`.
    public init(
        baseURL: String, appToken: String?, http: OutboundHTTPClient, timeout: Duration = .seconds(10),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.baseURL = SocialHTTP.trimmed(baseURL)
        self.appToken = appToken
        self.http = SocialHTTP(http: http, timeout: timeout, now: now)
    }

    func headers(token: String?) -> HTTPHeaders {
        var headers: HTTPHeaders = [
            "Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": SocialHTTP.userAgent,
        ]
        if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
        return headers
    }

    /// `GET /users/{login}`.
    public func user(_ handle: SocialHandle) async throws(SocialAPIError) -> SocialLookup {
        precondition(handle.provider == .github)
        let request = OutboundRequest(
            url: "\(self.baseURL)/users/\(handle.value)", headers: self.headers(token: self.appToken))
        return try await self.http.lookup(
            request, provider: .github, userToken: false, credentialSetting: "GITHUB_TOKEN"
        ) {
            bytes throws(SocialAPIError) in .found(try GitHubUserParser.parse(bytes))
        }
    }

    /// `GET /user` with the user's OAuth token.
    public func authenticatedUser(token: String) async throws(SocialAPIError) -> SocialLookup {
        let request = OutboundRequest(url: "\(self.baseURL)/user", headers: self.headers(token: token))
        return try await self.http.lookup(
            request, provider: .github, userToken: true, credentialSetting: "GITHUB_TOKEN"
        ) {
            bytes throws(SocialAPIError) in .found(try GitHubUserParser.parse(bytes))
        }
    }

    /// `POST /graphql` for several users at once; keys are ``SocialHandle/normalized``.
    public func users(_ handles: [SocialHandle]) async throws(SocialAPIError) -> [String: SocialLookup] {
        var headers = self.headers(token: self.appToken)
        headers.add(name: "Content-Type", value: "application/json")
        let request = OutboundRequest(
            method: .POST, url: "\(self.baseURL)/graphql", headers: headers,
            body: .init(bytes: GitHubGraphQL.requestBody(handles)))
        let response = try await self.http.send(request, provider: .github)
        let wait = RateLimitAdvice.retryAfter(status: 429, headers: response.headers, now: self.http.now())
        switch try SocialResponseStatus.classify(
            status: response.status, headers: response.headers, provider: .github, userToken: false,
            credentialSetting: "GITHUB_TOKEN", now: self.http.now())
        {
        case .answer:
            // A 404 of the GraphQL endpoint itself is not "no such user".
            throw .badResponse(.github, "HTTP \(response.status) from the GraphQL endpoint")
        case .success:
            return try GitHubGraphQL.parse(response.bytes, handles: handles, rateLimitWait: wait)
        }
    }
}

extension GitHubAPI {
    /// A batch of the ``GitHubLookupBatcher``: one REST call for a single handle, one GraphQL
    /// call for several.
    @Sendable public func fetchBatch(_ handles: [SocialHandle]) async throws(SocialAPIError) -> [String: SocialLookup] {
        if handles.count == 1, let handle = handles.first { return [handle.normalized: try await self.user(handle)] }
        return try await self.users(handles)
    }
}
