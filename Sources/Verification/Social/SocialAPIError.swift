/// Why a provider could not answer: rate limited, down, answering garbage, or refusing the app's
/// own credentials. Never contains a token, a handle or a response body.
///
/// A struct with a private code (STYLE.md): compare kinds with ``kind``.
public struct SocialAPIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public enum Kind: String, Sendable, Hashable {
        /// 429, or 403 with the rate-limit headers: retry at ``retryAfter``.
        case rateLimited = "rate_limited"
        /// Connection failure, timeout, 5xx: counted by the provider's breaker.
        case unavailable
        /// An answer that is not what the API documents (garbage, truncated, too large).
        case badResponse = "bad_response"
        /// The app's token (`GITHUB_TOKEN`, `TWITTER_BEARER_TOKEN`) was refused: a configuration fault.
        case credentialsRejected = "credentials_rejected"
    }

    public let kind: Kind
    public let provider: SocialProvider
    /// One line for the job's error.
    public let message: String
    /// For ``Kind/rateLimited``: when the provider says to come back.
    public let retryAfter: Duration?

    public var description: String { self.message }

    static func rateLimited(_ provider: SocialProvider, retryAfter: Duration) -> SocialAPIError {
        .init(
            kind: .rateLimited, provider: provider,
            message: "\(provider.displayName) rate limit reached; retrying in \(retryAfter.components.seconds) s",
            retryAfter: retryAfter)
    }

    static func unavailable(_ provider: SocialProvider, _ detail: String) -> SocialAPIError {
        .init(
            kind: .unavailable, provider: provider, message: "\(provider.rawValue) unavailable: \(detail)",
            retryAfter: nil)
    }

    static func badResponse(_ provider: SocialProvider, _ detail: String) -> SocialAPIError {
        .init(
            kind: .badResponse, provider: provider, message: "\(provider.rawValue) answered unexpectedly: \(detail)",
            retryAfter: nil)
    }

    static func credentialsRejected(_ provider: SocialProvider, status: Int, setting: String) -> SocialAPIError {
        .init(
            kind: .credentialsRejected, provider: provider,
            message: "\(provider.rawValue) refused the app credentials (HTTP \(status)); check \(setting)",
            retryAfter: nil)
    }
}
