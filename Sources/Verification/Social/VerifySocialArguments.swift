/// The arguments of `verify_social` (docs/protocol.md): `provider`, `handle` or `access_token`,
/// and optionally what the account is expected to show.
///
/// Its descriptions and mirror hide the access token, so printing or dumping the arguments never
/// leaks it.
public struct VerifySocialArguments: Decodable, Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// `github`, `linkedin` or `twitter`.
    public var provider: String
    /// The account name (GitHub login, X/Twitter username).
    public var handle: String?
    /// The user's OAuth access token; never logged, cached in clear or returned.
    public var accessToken: String?
    /// What the account should show.
    public var expect: SocialExpectation?

    enum CodingKeys: String, CodingKey {
        case provider, handle, expect
        case accessToken = "access_token"
    }

    /// Creates arguments (tests, benchmarks).
    public init(provider: String, handle: String? = nil, accessToken: String? = nil, expect: SocialExpectation? = nil) {
        self.provider = provider
        self.handle = handle
        self.accessToken = accessToken
        self.expect = expect
    }

    public var description: String {
        "verify_social(provider: \(self.provider), handle: \(self.handle ?? "-"), access_token: \(self.accessToken == nil ? "-" : "<redacted>"))"
    }

    public var debugDescription: String { self.description }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "provider": self.provider, "handle": self.handle as Any,
                "access_token": self.accessToken == nil ? "-" : "<redacted>",
            ])
    }
}
