import Foundation
import NIOHTTP1
import OutboundHTTP

/// The X/Twitter API v2 user lookups.
///
/// ```
/// GET {base}/2/users/by/username/{username}?user.fields=created_at,description,url,entities,verified
/// Authorization: Bearer <TWITTER_BEARER_TOKEN>       (app-only)
/// GET {base}/2/users/me?user.fields=...
/// Authorization: Bearer <the user's OAuth 2.0 token>
/// ```
public struct TwitterAPI: Sendable {
    /// `https://api.twitter.com`.
    public let baseURL: String
    /// `TWITTER_BEARER_TOKEN`; never logged.
    let bearerToken: String?
    let http: SocialHTTP

    static let fields = "user.fields=created_at,description,url,entities,verified"

    /// Creates the client.
    public init(
        baseURL: String, bearerToken: String?, http: OutboundHTTPClient, timeout: Duration = .seconds(10),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.baseURL = SocialHTTP.trimmed(baseURL)
        self.bearerToken = bearerToken
        self.http = SocialHTTP(http: http, timeout: timeout, now: now)
    }

    /// Whether lookups by username are possible (they need the app's bearer token).
    public var supportsHandleLookup: Bool { self.bearerToken != nil }

    /// `GET /2/users/by/username/{username}`.
    public func user(_ handle: SocialHandle) async throws(SocialAPIError) -> SocialLookup {
        precondition(handle.provider == .twitter)
        guard let bearerToken else {
            throw .credentialsRejected(.twitter, status: 401, setting: "TWITTER_BEARER_TOKEN (not set)")
        }
        let request = OutboundRequest(
            url: "\(self.baseURL)/2/users/by/username/\(handle.value)?\(Self.fields)",
            headers: ["Authorization": "Bearer \(bearerToken)", "User-Agent": SocialHTTP.userAgent])
        return try await self.http.lookup(
            request, provider: .twitter, userToken: false, credentialSetting: "TWITTER_BEARER_TOKEN"
        ) {
            bytes throws(SocialAPIError) in try TwitterUserParser.parse(bytes)
        }
    }

    /// `GET /2/users/me` with the user's token.
    public func authenticatedUser(token: String) async throws(SocialAPIError) -> SocialLookup {
        let request = OutboundRequest(
            url: "\(self.baseURL)/2/users/me?\(Self.fields)",
            headers: ["Authorization": "Bearer \(token)", "User-Agent": SocialHTTP.userAgent])
        return try await self.http.lookup(
            request, provider: .twitter, userToken: true, credentialSetting: "TWITTER_BEARER_TOKEN"
        ) {
            bytes throws(SocialAPIError) in try TwitterUserParser.parse(bytes)
        }
    }
}
