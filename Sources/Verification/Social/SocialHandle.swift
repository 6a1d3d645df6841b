/// An account name that passed its provider's rules, so it is safe in a URL path, a cache key and
/// a GraphQL string literal (only ASCII letters, digits, `-` or `_`).
///
/// The only way to get one is ``init(_:provider:)``, which refuses anything else: hostile input
/// (`../`, quotes, braces, newlines, long strings) never reaches a request.
public struct SocialHandle: Sendable, Hashable, CustomStringConvertible {
    /// The handle as given (without a leading `@`).
    public let value: String
    /// The provider whose rules it follows.
    public let provider: SocialProvider

    /// The handle in lower case: both GitHub and X/Twitter names are case-insensitive.
    public var normalized: String { self.value.lowercased() }

    public var description: String { self.value }

    /// Validates `text` (one leading `@` is dropped) against `provider`'s rules:
    /// - GitHub: 1 to 39 ASCII letters, digits or single hyphens, not starting or ending with one;
    /// - X/Twitter: 1 to 15 ASCII letters, digits or underscores;
    /// - LinkedIn has no public lookup by name: only an access token identifies an account.
    public init(_ text: String, provider: SocialProvider) throws(SocialHandleError) {
        var text = Substring(text)
        if text.first == "@" { text = text.dropFirst() }
        let bytes = Array(text.utf8)
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
        }
        switch provider {
        case .github:
            guard (1...39).contains(bytes.count),
                bytes.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") }),
                bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-"),
                !text.contains("--")
            else { throw .invalid(provider) }
        case .twitter:
            guard (1...15).contains(bytes.count), bytes.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "_") })
            else {
                throw .invalid(provider)
            }
        case .linkedin:
            throw .noHandleLookup
        }
        self.value = String(text)
        self.provider = provider
    }
}
