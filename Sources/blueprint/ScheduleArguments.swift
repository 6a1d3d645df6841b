import Foundation

/// Parses `blueprint enqueue --run-at / --delay` values.
enum ScheduleArguments {
    /// ms since the epoch (digits) or an ISO 8601 time with a zone; `nil` when neither.
    static func time(_ text: String) -> Int64? {
        if !text.isEmpty, text.count <= 18, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber) {
            return Int64(text)
        }
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds],
        ] {
            formatter.formatOptions = options
            if let date = formatter.date(from: text) {
                return Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
            }
        }
        return nil
    }

    /// `1500`, `1500ms`, `90s`, `5m`, `2h`; `nil` for anything else (negative, empty, huge).
    static func duration(_ text: String) -> Duration? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        var digits = Substring(text)
        var scale: Int64 = 1
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            digits = text.dropLast(suffix.count)
            scale = factor
            break
        }
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            let value = Int64(digits)
        else { return nil }
        return .milliseconds(value * scale)
    }
}
