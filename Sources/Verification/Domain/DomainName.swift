/// A syntactically valid host name in ASCII form: IDN labels as `xn--` punycode (IDNA basics).
///
/// ``init(_:)`` applies what IDNA needs for the names people type: trims spaces and one trailing
/// dot, accepts the ideographic full stops (`。` `．` `｡`) as dots, lower-cases, then encodes each
/// non-ASCII label as `xn--` + Punycode. It is not a full UTS 46 mapping (no NFKC, no bidi or
/// contextual rules): labels with spaces, controls, symbols of ASCII other than `-`, or Unicode
/// whitespace are refused rather than mapped.
public struct DomainName: Hashable, Sendable, CustomStringConvertible {
    /// The name in ASCII, lower-case, without a trailing dot (`xn--3e0b707e.kr`).
    public let ascii: String

    /// Longest label in bytes.
    public static let maximumLabelLength = 63
    /// Longest name in text form without the trailing dot (255 bytes on the wire).
    public static let maximumLength = 253

    public init(_ input: String) throws(DomainNameError) {
        var text = Substring(input).drop(while: \.isWhitespace)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        let dots: Set<Character> = [".", "\u{3002}", "\u{FF0E}", "\u{FF61}"]
        var labels = text.split(omittingEmptySubsequences: false, whereSeparator: { dots.contains($0) })
        guard !text.isEmpty else { throw .empty }
        if labels.count > 1, labels.last?.isEmpty == true { labels.removeLast() }
        var asciiLabels: [String] = []
        for label in labels {
            asciiLabels.append(try Self.asciiLabel(label))
        }
        guard asciiLabels.count >= 2 else { throw .singleLabel }
        guard let top = asciiLabels.last, !top.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw .numericTopLevel }
        let ascii = asciiLabels.joined(separator: ".")
        guard ascii.utf8.count <= Self.maximumLength else { throw .nameTooLong }
        self.ascii = ascii
    }

    /// The domain of an email address: what follows its last `@`.
    public static func ofEmail(_ email: String) throws(DomainNameError) -> DomainName {
        guard let at = email.lastIndex(of: "@") else { throw .invalidEmail }
        let local = email[..<at].drop(while: \.isWhitespace)
        let domain = email[email.index(after: at)...]
        guard !local.isEmpty, !domain.isEmpty else { throw .invalidEmail }
        return try DomainName(String(domain))
    }

    private static func asciiLabel(_ label: Substring) throws(DomainNameError) -> String {
        guard !label.isEmpty else { throw .emptyLabel }
        let lowered = label.lowercased()
        let isASCII = lowered.unicodeScalars.allSatisfy(\.isASCII)
        let encoded: String
        if isASCII {
            guard lowered.unicodeScalars.allSatisfy(Self.isLDH) else { throw .invalidCharacter }
            encoded = lowered
        } else {
            for scalar in lowered.unicodeScalars where scalar.isASCII ? !Self.isLDH(scalar) : Self.isDisallowed(scalar)
            {
                throw .invalidCharacter
            }
            guard let punycode = Punycode.encode(lowered) else { throw .labelTooLong }
            encoded = "xn--" + punycode
        }
        guard encoded.utf8.count <= Self.maximumLabelLength else { throw .labelTooLong }
        guard !encoded.hasPrefix("-"), !encoded.hasSuffix("-") else { throw .hyphenPlacement }
        // `ab--` is reserved for encodings (RFC 5891 4.2.3.1); only `xn--` is one we know.
        let bytes = Array(encoded.utf8)
        if bytes.count >= 4, bytes[2] == UInt8(ascii: "-"), bytes[3] == UInt8(ascii: "-"), !encoded.hasPrefix("xn--") {
            throw .hyphenPlacement
        }
        return encoded
    }

    /// Letters, digits, hyphen.
    private static func isLDH(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-": return true
        default: return false
        }
    }

    /// Non-ASCII code points no host name label may hold: whitespace, controls, format characters,
    /// unassigned and private-use code points, symbols and punctuation.
    private static func isDisallowed(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isWhitespace { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .unassigned, .privateUse, .surrogate, .lineSeparator, .paragraphSeparator,
            .spaceSeparator:
            return true
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    public var description: String { self.ascii }
}
