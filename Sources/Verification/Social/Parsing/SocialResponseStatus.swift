import Foundation
import NIOHTTP1

/// What an answer's HTTP status means, before its body is read: pure.
///
/// | status | with the app's token | with the user's token |
/// |---|---|---|
/// | 2xx | read the body | read the body |
/// | 404 | no such account | no such account |
/// | 429, 403 + rate-limit headers | rate limited (retry at the given time) | same |
/// | 401, other 403 | app credentials refused (configuration) | token refused (verified false) |
/// | 5xx, other | provider unavailable (breaker) | same |
public enum SocialResponseStatus: Sendable, Equatable {
    /// 2xx: parse the body.
    case success
    /// A final answer without a body to parse (not found, token refused).
    case answer(SocialLookup)

    /// Classifies `status`; throws for rate limits, refused app credentials and provider faults.
    /// `credentialSetting` names the setting to check when the app's token is refused.
    public static func classify(
        status: Int, headers: HTTPHeaders, provider: SocialProvider, userToken: Bool, credentialSetting: String,
        now: Date
    ) throws(SocialAPIError) -> SocialResponseStatus {
        if (200..<300).contains(status) { return .success }
        if let wait = RateLimitAdvice.retryAfter(status: status, headers: headers, now: now) {
            throw .rateLimited(provider, retryAfter: wait)
        }
        switch status {
        case 404:
            return .answer(.notFound)
        case 401, 403:
            if userToken { return .answer(.tokenRejected(status: status)) }
            throw .credentialsRejected(provider, status: status, setting: credentialSetting)
        case 500...599:
            throw .unavailable(provider, "HTTP \(status)")
        default:
            throw .badResponse(provider, "HTTP \(status)")
        }
    }
}
