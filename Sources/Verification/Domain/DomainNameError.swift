/// Why a string is not a usable domain name; the message never repeats the input.
public struct DomainNameError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case empty, emptyLabel, labelTooLong, nameTooLong, invalidCharacter, hyphenPlacement, singleLabel,
            numericTopLevel, invalidEmail
    }

    private let code: Code
    /// A clear reason, safe for results and logs.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public static let empty = DomainNameError(.empty, "the domain is empty")
    public static let emptyLabel = DomainNameError(
        .emptyLabel, "the domain has an empty label (two dots in a row, or a leading dot)")
    public static let labelTooLong = DomainNameError(
        .labelTooLong, "a label of the domain is longer than 63 bytes (after punycode)")
    public static let nameTooLong = DomainNameError(
        .nameTooLong, "the domain is longer than 253 characters (after punycode)")
    public static let invalidCharacter = DomainNameError(
        .invalidCharacter, "the domain holds a character not allowed in host names")
    public static let hyphenPlacement = DomainNameError(
        .hyphenPlacement,
        "a label of the domain starts or ends with a hyphen, or uses '--' at positions 3-4 without being punycode")
    public static let singleLabel = DomainNameError(.singleLabel, "the domain has a single label (no top-level domain)")
    public static let numericTopLevel = DomainNameError(
        .numericTopLevel, "the top-level domain is numeric (an IP address is not a domain)")
    public static let invalidEmail = DomainNameError(.invalidEmail, "the email address has no local part or no domain")

    public static func == (lhs: DomainNameError, rhs: DomainNameError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }

    public var description: String { self.message }
}
