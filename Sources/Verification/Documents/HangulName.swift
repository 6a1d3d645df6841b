import Foundation

/// A person's or company's name compared the way people read it: Unicode-normalised (a name
/// typed with decomposed jamo equals its composed form), spacing, punctuation and middle dots
/// ignored, Latin letters case-insensitive.
public struct HangulName: Sendable, Hashable, CustomStringConvertible {
    /// The comparable form: NFKC, letters and digits only, lowercased.
    public let key: String

    /// `nil` when nothing remains after normalisation.
    public init?(_ text: String) {
        let normalized = String(text.precomposedStringWithCompatibilityMapping.filter { $0.isLetter || $0.isNumber })
            .lowercased()
        guard !normalized.isEmpty else { return nil }
        self.key = normalized
    }

    public var description: String { self.key }

    /// Whether `self` and `other` name the same person or company.
    public func matches(_ other: HangulName) -> Bool { self.key == other.key }

    /// Edit distance in characters (a measure of how close an OCR misreading is).
    public func distance(to other: HangulName) -> Int {
        let a = Array(self.key)
        let b = Array(other.key)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
