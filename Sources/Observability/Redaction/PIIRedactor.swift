import Foundation
import NIOConcurrencyHelpers

/// Masks personal data and known secret values in log text (DESIGN.md section 7).
///
/// - email addresses keep the first character and the domain: `user@example.com` -> `u***@example.com`
/// - phone numbers keep their first and last group: `010-1234-5678` -> `010-****-5678`,
///   `01012345678` -> `010****5678`, `+821012345678` -> `+82******5678`
/// - registered secret values (``register(secret:)``) become `[REDACTED]`
///
/// Stream entry ids (`1732670000000-0`), timestamps, durations and dates are left alone: a phone
/// number needs a mobile prefix, a `+` or separated groups of 2-4, 3-4 and 4 digits.
/// Install it with `JSONLogHandler.redact = { redactor.redact($0) }`. Thread-safe.
public final class PIIRedactor: Sendable {
    private let secrets = NIOLockedValueBox<[String]>([])

    /// Secrets shorter than this are not registered (masking "a" everywhere would ruin logs).
    public static let minimumSecretLength = 6

    public init() {}

    /// From now on `value` never appears in redacted text; call again with every rotated value.
    public func register(secret value: String) {
        guard value.count >= Self.minimumSecretLength else { return }
        self.secrets.withLockedValue { list in
            if !list.contains(value) {
                list.append(value)
                // Longest first so a secret containing another is masked whole.
                list.sort { $0.count > $1.count }
            }
        }
    }

    /// `text` with emails, phone numbers and registered secrets masked.
    public func redact(_ text: String) -> String {
        var text = text
        for secret in self.secrets.withLockedValue({ $0 }) where text.contains(secret) {
            text = text.replacingOccurrences(of: secret, with: "[REDACTED]")
        }
        if text.utf8.contains(UInt8(ascii: "@")) {
            text = Self.replace(Self.email, in: text, with: Self.maskEmail)
        }
        if Self.mayContainPhone(text) {
            text = Self.replace(Self.separatedPhone, in: text, with: Self.maskSeparatedPhone)
            text = Self.replace(Self.compactPhone, in: text, with: Self.maskCompactPhone)
        }
        return text
    }

    /// A cheap byte scan run before the phone regexes (log values pass here on every job): a phone
    /// number needs a `+` before a digit, a digit run of 10-11 starting with `0`, or a run of 2-4
    /// digits followed by a separator. Stream ids (`1764206241000-0`) and durations pass none.
    static func mayContainPhone(_ text: String) -> Bool {
        var run = 0
        var runStartsWithZero = false
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte >= 0x30 && byte <= 0x39 {
                if run == 0 {
                    runStartsWithZero = byte == 0x30
                    if previous == UInt8(ascii: "+") { return true }
                }
                run += 1
            } else {
                if (2...4).contains(run), byte == 0x20 || byte == 0x2D || byte == 0x2E || byte == 0x29 { return true }
                if runStartsWithZero, (10...11).contains(run) { return true }
                run = 0
            }
            previous = byte
        }
        return runStartsWithZero && (10...11).contains(run)
    }

    static let email = try! NSRegularExpression(
        pattern: "[A-Za-z0-9._%+\\-]+@[A-Za-z0-9\\-]+(?:\\.[A-Za-z0-9\\-]+)+")
    static let separatedPhone = try! NSRegularExpression(
        pattern: "(?<![\\w.\\-+])(?:\\+\\d{1,3}[ \\-.])?\\(?\\d{2,4}\\)?[ \\-.]\\d{3,4}[ \\-.]\\d{4}(?![\\w\\-])")
    static let compactPhone = try! NSRegularExpression(
        pattern: "(?<![\\w.\\-+])(?:01[016789]\\d{7,8}|\\+\\d{9,15})(?![\\w\\-])")

    static func replace(_ regex: NSRegularExpression, in text: String, with mask: (String) -> String) -> String {
        let ns = text as NSString
        let matches = regex.matches(in: text, range: NSRange(location: 0, length: ns.length))
        guard !matches.isEmpty else { return text }
        var out = ""
        var cursor = 0
        for match in matches {
            out += ns.substring(with: NSRange(location: cursor, length: match.range.location - cursor))
            out += mask(ns.substring(with: match.range))
            cursor = match.range.location + match.range.length
        }
        out += ns.substring(from: cursor)
        return out
    }

    static func maskEmail(_ address: String) -> String {
        guard let at = address.firstIndex(of: "@"), let first = address.first else { return "***" }
        return String(first) + "***" + address[at...]
    }

    /// Keeps the first and the last digit group; every digit in between becomes `*`.
    static func maskSeparatedPhone(_ number: String) -> String {
        let scalars = Array(number.unicodeScalars)
        func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 0x30 && s.value <= 0x39 }
        guard let firstEnd = scalars.firstIndex(where: { !isDigit($0) && $0 != "+" && $0 != "(" }),
              let lastStart = scalars.lastIndex(where: { !isDigit($0) })
        else { return number }
        var out = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() {
            out.append(index > firstEnd && index < lastStart && isDigit(scalar) ? "*" : scalar)
        }
        return String(out)
    }

    /// Keeps the first three characters (`010`, `+82`) and the last four digits.
    static func maskCompactPhone(_ number: String) -> String {
        let characters = Array(number)
        guard characters.count > 7 else { return number }
        return String(characters.prefix(3)) + String(repeating: "*", count: characters.count - 7) + String(characters.suffix(4))
    }
}
