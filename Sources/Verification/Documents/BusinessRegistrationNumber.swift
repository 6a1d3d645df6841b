import Foundation

/// A Korean business registration number (사업자등록번호): 10 digits `###-##-#####` whose last
/// digit is a check digit.
///
/// The check: multiply the first nine digits by 1, 3, 7, 1, 3, 7, 1, 3, 5 and add the products;
/// add the tens digit of (ninth digit × 5) once more (the "carry"); the check digit is
/// `(10 - sum % 10) % 10`.
public struct BusinessRegistrationNumber: Sendable, Hashable, CustomStringConvertible {
    /// The ten digits.
    public let digits: String

    static let weights = [1, 3, 7, 1, 3, 7, 1, 3, 5]

    /// Parses `text` (digits with optional `-`, spaces or `.`); `nil` unless it holds exactly ten
    /// ASCII digits with a valid check digit (all zeros is refused).
    public init?(_ text: String) {
        let allowed = CharacterSet(charactersIn: "-–—. ")
        guard text.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) || allowed.contains($0) }) else { return nil }
        let digits = text.unicodeScalars.filter { ("0"..."9").contains($0) }.map { Int($0.value) - 48 }
        guard digits.count == 10, digits.contains(where: { $0 != 0 }),
            Self.checkDigit(Array(digits.prefix(9))) == digits[9]
        else { return nil }
        self.digits = digits.map(String.init).joined()
    }

    /// The check digit of the first nine digits.
    static func checkDigit(_ nine: [Int]) -> Int {
        precondition(nine.count == 9)
        var sum = zip(nine, Self.weights).reduce(0) { $0 + $1.0 * $1.1 }
        sum += (nine[8] * 5) / 10
        return (10 - sum % 10) % 10
    }

    /// `###-##-#####`.
    public var formatted: String {
        let d = Array(self.digits)
        return String(d[0..<3]) + "-" + String(d[3..<5]) + "-" + String(d[5..<10])
    }

    public var description: String { self.formatted }

    /// Number-shaped parts of `text` (3-2-5 digits, or 10 in a row), valid or not, in order.
    static func candidates(in text: String) -> [String] {
        let range = NSRange(text.startIndex..., in: text)
        return Self.pattern.matches(in: text, range: range).compactMap { match in
            Range(match.range, in: text).map { String(text[$0]) }
        }
    }

    private static let pattern = try! NSRegularExpression(
        pattern: #"(?<![0-9])(?:[0-9]{3}\s*[-–—.]\s*[0-9]{2}\s*[-–—.]\s*[0-9]{5}|[0-9]{10})(?![0-9])"#)
}
