import Foundation

/// ISO 8601 timestamps as the providers write them: `2011-01-25T18:44:36Z` (GitHub) or
/// `2013-12-14T04:35:55.000Z` (X/Twitter).
enum ProviderDate {
    static func parse(_ text: String?) -> Date? {
        guard let text, text.utf8.count <= 64 else { return nil }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// `2011-01-25T18:44:36Z`.
    static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }
}
