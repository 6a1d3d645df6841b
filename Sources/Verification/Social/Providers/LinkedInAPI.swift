import Foundation
import NIOHTTP1
import OutboundHTTP

/// LinkedIn's OpenID Connect userinfo, with the user's access token.
///
/// ```
/// GET {base}/v2/userinfo
/// Authorization: Bearer <the user's access token>
/// ```
public struct LinkedInAPI: Sendable {
    /// `https://api.linkedin.com`.
    public let baseURL: String
    let http: SocialHTTP

    /// Creates the client.
    public init(
        baseURL: String, http: OutboundHTTPClient, timeout: Duration = .seconds(10),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.baseURL = SocialHTTP.trimmed(baseURL)
        self.http = SocialHTTP(http: http, timeout: timeout, now: now)
    }

    /// `GET /v2/userinfo`.
    public func userInfo(token: String) async throws(SocialAPIError) -> SocialLookup {
        let request = OutboundRequest(
            url: "\(self.baseURL)/v2/userinfo",
            headers: ["Authorization": "Bearer \(token)", "User-Agent": SocialHTTP.userAgent])
        return try await self.http.lookup(request, provider: .linkedin, userToken: true, credentialSetting: "-") {
            bytes throws(SocialAPIError) in .found(try LinkedInUserInfoParser.parse(bytes))
        }
    }
}
