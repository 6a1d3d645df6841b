import JobEngine

/// A validated `verify_social` job: which account to look up and how, and what to check.
///
/// Built from ``VerifySocialArguments`` by ``init(_:)``, which refuses bad arguments with a
/// permanent ``JobError`` naming the argument, never echoing its value.
public struct VerifySocialRequest: Sendable {
    /// How the account is found.
    public enum Target: Sendable {
        /// A public lookup by name, with the app's credentials (cacheable).
        case handle(SocialHandle)
        /// The account of the user's access token (never cached).
        case accessToken(String)
    }

    /// Longest accepted access token (real ones are a few hundred bytes).
    public static let maximumTokenLength = 4096
    /// Longest accepted `expect.name` / `expect.email` / `expect.link`.
    public static let maximumNameLength = 200
    public static let maximumEmailLength = 254
    public static let maximumLinkLength = 2048

    public let provider: SocialProvider
    public let target: Target
    public let expect: SocialExpectation

    /// Validates `arguments`.
    public init(_ arguments: VerifySocialArguments) throws(JobError) {
        guard let provider = SocialProvider(rawValue: arguments.provider) else {
            throw .permanent("invalid arguments: argument 'provider' must be github, linkedin or twitter")
        }
        self.provider = provider
        switch (arguments.handle, arguments.accessToken) {
        case (.some, .some):
            throw .permanent("invalid arguments: give either 'handle' or 'access_token', not both")
        case (nil, nil):
            throw .permanent("invalid arguments: missing 'handle' or 'access_token'")
        case (.some(let handle), nil):
            do {
                self.target = .handle(try SocialHandle(handle, provider: provider))
            } catch {
                throw .permanent("invalid arguments: \(error.message)")
            }
        case (nil, .some(let token)):
            // Visible ASCII only: a token with a CR/LF or a space could split a header.
            guard (1...Self.maximumTokenLength).contains(token.utf8.count),
                token.utf8.allSatisfy({ (0x21...0x7E).contains($0) })
            else {
                throw .permanent(
                    "invalid arguments: argument 'access_token' must be 1-\(Self.maximumTokenLength) visible ASCII characters"
                )
            }
            self.target = .accessToken(token)
        }
        let expect = arguments.expect ?? SocialExpectation()
        if let name = expect.name,
            name.isEmpty || name.count > Self.maximumNameLength
                || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        {
            throw .permanent(
                "invalid arguments: argument 'expect.name' must be 1-\(Self.maximumNameLength) characters without control characters"
            )
        }
        if let email = expect.email {
            let parts = email.split(separator: "@", omittingEmptySubsequences: false)
            guard email.utf8.count <= Self.maximumEmailLength, parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
                !email.unicodeScalars.contains(where: {
                    $0.properties.isWhitespace || $0.properties.generalCategory == .control
                })
            else { throw .permanent("invalid arguments: argument 'expect.email' is not an email address") }
        }
        if let link = expect.link {
            guard link.utf8.count <= Self.maximumLinkLength, SocialChecks.comparableLink(link) != nil else {
                throw .permanent(
                    "invalid arguments: argument 'expect.link' must be an http(s) URL of at most \(Self.maximumLinkLength) bytes"
                )
            }
        }
        if let days = expect.minAgeDays, !(0...36_500).contains(days) {
            throw .permanent("invalid arguments: argument 'expect.min_age_days' must be in 0...36500")
        }
        self.expect = expect
    }
}
