import Foundation

/// A validated mailbox: an address (`local@domain`) and an optional display name.
///
/// Validation is strict on purpose: anything that could smuggle a header or an SMTP command (CR,
/// LF, NUL, angle brackets, quotes, spaces in the address) is refused, so the value can be written
/// into `MAIL FROM:<...>`, `RCPT TO:<...>` and `To:` without further escaping.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    /// `local@domain`, as given (the domain is lower-cased).
    public let address: String
    /// The name shown to the reader, if any (`홍길동`).
    public let displayName: String?

    /// Longest address accepted (RFC 5321 path limit minus the brackets).
    public static let maximumLength = 254

    /// Validates `address` (a bare `local@domain`) and `displayName`; `field` names the argument
    /// in error messages (`to`, `from`, `reply_to`), which never repeat the value.
    public init(_ address: String, displayName: String? = nil, field: String = "address") throws(SMTPProtocolError) {
        if Self.hasForbiddenControl(address) { throw .headerInjection(field) }
        if let displayName {
            if Self.hasForbiddenControl(displayName) { throw .headerInjection(field) }
            if displayName.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                throw .invalidHeader(field, "display name contains control characters")
            }
            if displayName.utf8.count > 256 { throw .invalidAddress(field, "display name longer than 256 bytes") }
        }
        guard address.utf8.count <= Self.maximumLength else { throw .invalidAddress(field, "longer than \(Self.maximumLength) bytes") }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .invalidAddress(field, "must contain exactly one '@'") }
        let local = parts[0]
        let domain = parts[1].lowercased()
        guard !local.isEmpty, local.utf8.count <= 64 else { throw .invalidAddress(field, "local part must be 1 to 64 bytes") }
        guard !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else {
            throw .invalidAddress(field, "misplaced '.' in the local part")
        }
        for scalar in local.unicodeScalars where !Self.isLocalPartScalar(scalar) {
            throw .invalidAddress(field, "character not allowed in the local part")
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { throw .invalidAddress(field, "domain must have a dot") }
        for label in labels {
            guard !label.isEmpty, label.utf8.count <= 63, !label.hasPrefix("-"), !label.hasSuffix("-") else {
                throw .invalidAddress(field, "malformed domain")
            }
            for scalar in label.unicodeScalars
            where !(scalar.isASCIIAlphanumeric || scalar == "-" || (scalar.value >= 0x80 && !Self.isForbiddenNonASCII(scalar))) {
                throw .invalidAddress(field, "character not allowed in the domain")
            }
        }
        self.address = local + "@" + domain
        let trimmed = displayName?.trimmingSpaces
        self.displayName = (trimmed?.isEmpty ?? true) ? nil : trimmed
    }

    /// The domain part, lower-cased.
    public var domain: String { String(self.address[self.address.index(after: self.address.lastIndex(of: "@")!)...]) }

    /// Whether the address has non-ASCII characters, so the server must offer SMTPUTF8 (RFC 6531).
    public var requiresSMTPUTF8: Bool { !self.address.utf8.allSatisfy { $0 < 0x80 } }

    /// The address with the local part masked for logs: `u***@example.com`.
    public var masked: String { Self.mask(self.address) }

    /// Masks any string that looks like an address (`u***@example.com`); others become `***`.
    public static func mask(_ address: String) -> String {
        guard let at = address.lastIndex(of: "@"), at != address.startIndex else { return "***" }
        return String(address[address.startIndex]) + "***" + address[at...]
    }

    public var description: String { self.masked }

    /// `text` with every word that contains `@` masked (`<u***@example.com>`): for server replies
    /// such as `550 5.1.1 <user@example.com>: Recipient address rejected` before they reach logs or
    /// dead letters.
    public static func maskAddresses(in text: String) -> String {
        text.split(separator: " ", omittingEmptySubsequences: false).map { word -> String in
            guard word.contains("@") else { return String(word) }
            let core = word.trimmingCharacters(in: CharacterSet(charactersIn: "<>:;,.()[]\"'"))
            guard !core.isEmpty, let range = word.range(of: core) else { return "***" }
            return word.replacingCharacters(in: range, with: Self.mask(core))
        }.joined(separator: " ")
    }

    /// CR, LF and NUL can end a header line or an SMTP command early: never allowed.
    static func hasForbiddenControl(_ text: String) -> Bool {
        text.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
            || text.unicodeScalars.contains { $0 == "\u{2028}" || $0 == "\u{2029}" || $0 == "\u{85}" }
    }

    /// RFC 5322 atext, plus non-ASCII letters (RFC 6531), never controls, spaces or specials.
    private static func isLocalPartScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCIIAlphanumeric { return true }
        if "!#$%&'*+-/=?^_`{|}~.".unicodeScalars.contains(scalar) { return true }
        return scalar.value >= 0x80 && !isForbiddenNonASCII(scalar)
    }

    private static func isForbiddenNonASCII(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control || scalar.properties.isWhitespace
            || scalar.properties.generalCategory == .format || scalar.value == 0xFFFD
    }
}

extension Unicode.Scalar {
    var isASCIIAlphanumeric: Bool {
        (self >= "a" && self <= "z") || (self >= "A" && self <= "Z") || (self >= "0" && self <= "9")
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
