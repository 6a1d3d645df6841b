/// A five-field cron expression (`minute hour day-of-month month day-of-week`), parsed once.
///
/// Syntax (Vixie cron): each field is a comma list of `*`, `N`, `N-M`, each optionally followed by
/// `/step`; `N/step` means `N-max/step`. Months take `JAN`...`DEC`, days of the week `SUN`...`SAT`
/// (case-insensitive), and day of the week `7` is Sunday like `0`. Macros: `@yearly` (`@annually`),
/// `@monthly`, `@weekly`, `@daily` (`@midnight`), `@hourly`.
///
/// Day matching follows Vixie cron: when both day-of-month and day-of-week are restricted (neither
/// field starts with `*`), a day matches if EITHER matches (`0 0 1 * MON` = the 1st and every
/// Monday); otherwise both must match.
///
/// Pure value: no clock, no time zone (see ``nextFire(after:in:)`` in `CronExpression+NextFire.swift`).
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The expression as written (trimmed).
    public let source: String
    /// Bit n set: minute n (0...59) matches.
    let minutes: UInt64
    /// Bit n set: hour n (0...23) matches.
    let hours: UInt64
    /// Bit n set: day of month n (1...31) matches.
    let daysOfMonth: UInt64
    /// Bit n set: month n (1...12) matches.
    let months: UInt64
    /// Bit n set: day of week n (0 = Sunday ... 6) matches.
    let daysOfWeek: UInt64
    /// The day-of-month field starts with `*` (Vixie's `DOM_STAR`).
    let dayOfMonthIsStar: Bool
    /// The day-of-week field starts with `*` (Vixie's `DOW_STAR`).
    let dayOfWeekIsStar: Bool

    /// Longest expression accepted.
    public static let maximumLength = 256

    public var description: String { self.source }

    /// Parses `text`.
    ///
    /// - Throws: ``CronSyntaxError`` naming the field and what is wrong (unknown name, out of range,
    ///   reversed range, zero or too large step, wrong number of fields, a date that never occurs).
    public init(parsing text: String) throws(CronSyntaxError) {
        let trimmed = text.trimmingASCIIWhitespace()
        guard !trimmed.isEmpty else { throw CronSyntaxError("cron expression is empty") }
        guard trimmed.utf8.count <= Self.maximumLength else {
            throw CronSyntaxError("cron expression is longer than \(Self.maximumLength) characters")
        }
        var expanded = trimmed
        if trimmed.hasPrefix("@") {
            switch trimmed.lowercased() {
            case "@yearly", "@annually": expanded = "0 0 1 1 *"
            case "@monthly": expanded = "0 0 1 * *"
            case "@weekly": expanded = "0 0 * * 0"
            case "@daily", "@midnight": expanded = "0 0 * * *"
            case "@hourly": expanded = "0 * * * *"
            default:
                throw CronSyntaxError(
                    "unknown cron macro \(CronSyntaxError.quote(trimmed)) (use @yearly, @monthly, @weekly, @daily or @hourly)"
                )
            }
        }
        let fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count == 5 else {
            throw CronSyntaxError(
                "cron expression must have 5 fields (minute hour day-of-month month day-of-week), found \(fields.count)"
            )
        }
        self.source = trimmed
        self.minutes = try Self.parseField(fields[0], .minute)
        self.hours = try Self.parseField(fields[1], .hour)
        self.daysOfMonth = try Self.parseField(fields[2], .dayOfMonth)
        self.months = try Self.parseField(fields[3], .month)
        var dow = try Self.parseField(fields[4], .dayOfWeek)
        if dow & (1 << 7) != 0 { dow = (dow & ~(1 << 7)) | 1 }
        self.daysOfWeek = dow
        self.dayOfMonthIsStar = fields[2].hasPrefix("*")
        self.dayOfWeekIsStar = fields[4].hasPrefix("*")
        if self.dayOfWeekIsStar {
            // Days come from day-of-month alone (AND with a full day-of-week): it must name a day
            // some selected month has (February counts 29 days).
            let possible = (1...12).contains { month in
                self.months & (1 << month) != 0
                    && (1...Self.maximumDays(month)).contains { self.daysOfMonth & (1 << $0) != 0 }
            }
            if !possible {
                throw CronSyntaxError(
                    "cron expression \(CronSyntaxError.quote(trimmed)) names a date that never occurs")
            }
        }
    }

    /// Whether a day matches the day fields (Vixie semantics, see the type's documentation).
    func matchesDay(month: Int, day: Int, weekday: Int) -> Bool {
        guard self.months & (1 << month) != 0 else { return false }
        let dom = self.daysOfMonth & (1 << day) != 0
        let dow = self.daysOfWeek & (1 << weekday) != 0
        return self.dayOfMonthIsStar || self.dayOfWeekIsStar ? dom && dow : dom || dow
    }

    /// Whether the minute and hour match.
    func matchesTime(hour: Int, minute: Int) -> Bool {
        self.hours & (1 << hour) != 0 && self.minutes & (1 << minute) != 0
    }

    static func maximumDays(_ month: Int) -> Int {
        switch month {
        case 2: return 29
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // MARK: - Fields

    enum Field {
        case minute, hour, dayOfMonth, month, dayOfWeek

        var name: String {
            switch self {
            case .minute: "minute"
            case .hour: "hour"
            case .dayOfMonth: "day-of-month"
            case .month: "month"
            case .dayOfWeek: "day-of-week"
            }
        }

        /// Values accepted (day of week takes 7 as Sunday too).
        var range: ClosedRange<Int> {
            switch self {
            case .minute: 0...59
            case .hour: 0...23
            case .dayOfMonth: 1...31
            case .month: 1...12
            case .dayOfWeek: 0...7
            }
        }

        /// The range `*` stands for.
        var starRange: ClosedRange<Int> { self == .dayOfWeek ? 0...6 : self.range }

        var names: [String] {
            switch self {
            case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
            case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
            default: []
            }
        }

        /// The value of the first name (1 for JAN, 0 for SUN).
        var firstNameValue: Int { self == .month ? 1 : 0 }
    }

    static func parseField(_ text: Substring, _ field: Field) throws(CronSyntaxError) -> UInt64 {
        var bits: UInt64 = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else {
                throw CronSyntaxError("\(field.name) field \(CronSyntaxError.quote(text)) has an empty list item")
            }
            bits |= try Self.parseItem(item, field)
        }
        return bits
    }

    private static func parseItem(_ item: Substring, _ field: Field) throws(CronSyntaxError) -> UInt64 {
        let parts = item.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else {
            throw CronSyntaxError("\(field.name) item \(CronSyntaxError.quote(item)) has more than one '/'")
        }
        var step = 1
        if parts.count == 2 {
            guard let value = Self.number(parts[1]) else {
                throw CronSyntaxError("\(field.name) step \(CronSyntaxError.quote(parts[1])) is not a number")
            }
            let span = field.starRange.count
            guard value >= 1, value <= span else {
                throw CronSyntaxError("\(field.name) step \(CronSyntaxError.quote(parts[1])) must be in 1...\(span)")
            }
            step = value
        }
        let base = parts[0]
        let range: ClosedRange<Int>
        if base == "*" {
            range = field.starRange
        } else {
            let bounds = base.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count <= 2 else {
                throw CronSyntaxError("\(field.name) range \(CronSyntaxError.quote(base)) has more than one '-'")
            }
            let low = try Self.value(bounds[0], field)
            if bounds.count == 2 {
                let high = try Self.value(bounds[1], field)
                guard low <= high else {
                    throw CronSyntaxError(
                        "\(field.name) range \(CronSyntaxError.quote(base)) is reversed (\(low) > \(high))")
                }
                range = low...high
            } else {
                // `N/step` runs from N to the end of the field.
                range = parts.count == 2 ? low...field.starRange.upperBound : low...low
            }
        }
        var bits: UInt64 = 0
        for value in stride(from: range.lowerBound, through: range.upperBound, by: step) { bits |= 1 << UInt64(value) }
        return bits
    }

    private static func value(_ text: Substring, _ field: Field) throws(CronSyntaxError) -> Int {
        guard !text.isEmpty else { throw CronSyntaxError("\(field.name) field has an empty value") }
        let value: Int
        if let number = Self.number(text) {
            value = number
        } else if let index = field.names.firstIndex(of: text.uppercased()) {
            value = index + field.firstNameValue
        } else {
            throw CronSyntaxError(
                field.names.isEmpty
                    ? "\(field.name) value \(CronSyntaxError.quote(text)) is not a number"
                    : "\(field.name) value \(CronSyntaxError.quote(text)) is not a number or a name (\(field.names.first!)...\(field.names.last!))"
            )
        }
        guard field.range.contains(value) else {
            throw CronSyntaxError(
                "\(field.name) value \(CronSyntaxError.quote(text)) is out of range \(field.range.lowerBound)...\(field.range.upperBound)"
            )
        }
        return value
    }

    /// A decimal number of at most 4 ASCII digits (no sign), else `nil`.
    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 4, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return text.utf8.count > 4 && text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) ? Int.max : nil
        }
        return Int(text)
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingASCIIWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = self.firstIndex(where: { !isSpace($0) }), let end = self.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(self[start...end])
    }
}
