import Foundation

/// Resident registration numbers (주민등록번호, `######-#######`): found and masked so that only
/// the birth date and the sex/century digit remain (`900101-1******`).
///
/// Every text read from a document goes through ``mask(_:)`` before anything else looks at it,
/// so a full number never reaches a field, a result or a log line.
public enum ResidentRegistrationNumber {
    // Six digits, a dash (or spaces), a 1-8 digit and six more; no digit may touch it. Corporate
    // numbers (법인등록번호) have the same shape and are masked too, which costs nothing.
    private static let pattern = try! NSRegularExpression(
        pattern: #"(?<![0-9])([0-9]{6})\s*[-–—~]?\s*([1-8])\s*[0-9]{6}(?![0-9])"#)

    /// `text` with every number masked to `YYMMDD-S******`.
    public static func mask(_ text: String) -> String {
        let range = NSRange(text.startIndex..., in: text)
        return Self.pattern.stringByReplacingMatches(in: text, range: range, withTemplate: "$1-$2******")
    }

    /// The masked numbers in an already masked `text`.
    static func masked(in text: String) -> [String] {
        let range = NSRange(text.startIndex..., in: text)
        return Self.maskedPattern.matches(in: text, range: range).compactMap {
            Range($0.range, in: text).map { String(text[$0]) }
        }
    }

    private static let maskedPattern = try! NSRegularExpression(pattern: #"(?<![0-9])[0-9]{6}-[1-8]\*{6}"#)

    /// The birth date a (masked) number encodes: 1/2/5/6 are born in the 1900s, 3/4/7/8 in the 2000s.
    static func birthDate(of masked: String) -> DocumentDate? {
        let digits = masked.unicodeScalars.filter { ("0"..."9").contains($0) }.map { Int($0.value) - 48 }
        guard digits.count >= 7 else { return nil }
        let century = [1, 2, 5, 6].contains(digits[6]) ? 1900 : 2000
        return DocumentDate(
            year: century + digits[0] * 10 + digits[1], month: digits[2] * 10 + digits[3],
            day: digits[4] * 10 + digits[5])
    }
}
