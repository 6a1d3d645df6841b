import Foundation

/// A calendar date read from a document: `2024.01.15`, `2024. 1. 15.`, `2024-01-15`,
/// `2024/01/15` or `2024년 1월 15일`, spacing ignored. Impossible dates (2023-02-29, month 13)
/// are refused.
public struct DocumentDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A valid date between 1900 and 2100, or `nil`.
    public init?(year: Int, month: Int, day: Int) {
        guard (1900...2100).contains(year), (1...12).contains(month), day >= 1, day <= Self.days(in: month, of: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `text` holds entirely (surrounding spaces and a trailing `.` allowed).
    public init?(parsing text: String) {
        let matches = Self.candidates(in: text)
        guard matches.count == 1, let date = matches[0].date else { return nil }
        let rest = text.replacingCharacters(in: matches[0].range, with: "")
        guard rest.trimmingCharacters(in: CharacterSet(charactersIn: ". ").union(.whitespacesAndNewlines)).isEmpty
        else { return nil }
        self = date
    }

    /// ISO 8601 (`2024-01-15`).
    public var description: String { String(format: "%04d-%02d-%02d", self.year, self.month, self.day) }

    public static func < (lhs: DocumentDate, rhs: DocumentDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    static func days(in month: Int, of year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// A date-shaped part of a text; `date` is `nil` when it names an impossible day.
    struct Candidate {
        let range: Range<String.Index>
        let date: DocumentDate?
    }

    // Year, month, day separated by `.`, `-`, `/` or 년/월(/일), any spacing; no digit may touch it.
    private static let pattern = try! NSRegularExpression(
        pattern:
            #"(?<![0-9])((?:19|20|21)[0-9]{2})\s*(?:[.\-/]|년)\s*([0-9]{1,2})\s*(?:[.\-/]|월)\s*([0-9]{1,2})(?![0-9])\s*(?:일)?"#
    )

    /// Every date-shaped part of `text`, in order.
    static func candidates(in text: String) -> [Candidate] {
        let range = NSRange(text.startIndex..., in: text)
        return Self.pattern.matches(in: text, range: range).compactMap { match in
            guard let whole = Range(match.range, in: text),
                let year = Range(match.range(at: 1), in: text).flatMap({ Int(text[$0]) }),
                let month = Range(match.range(at: 2), in: text).flatMap({ Int(text[$0]) }),
                let day = Range(match.range(at: 3), in: text).flatMap({ Int(text[$0]) })
            else { return nil }
            return Candidate(range: whole, date: DocumentDate(year: year, month: month, day: day))
        }
    }

    /// The first valid date in `text`.
    public static func first(in text: String) -> DocumentDate? {
        Self.candidates(in: text).lazy.compactMap(\.date).first
    }
}
