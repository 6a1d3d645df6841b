/// The signing time in SigV4's two forms: `20150830T123600Z` (`x-amz-date`) and `20150830`
/// (the credential scope). Computed from Unix seconds without Foundation's calendars.
public struct SigV4Timestamp: Sendable, Hashable {
    /// `YYYYMMDD'T'HHMMSS'Z'`, UTC.
    public let amzDate: String
    /// `YYYYMMDD`, UTC.
    public var dateStamp: String { String(self.amzDate.prefix(8)) }

    /// The time `secondsSince1970` seconds after the Unix epoch (UTC); a negative time is clamped to the epoch.
    public init(secondsSince1970: Int64) {
        let seconds = max(0, secondsSince1970)
        let days = seconds / 86_400
        let secondOfDay = seconds % 86_400
        // Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
        let z = days + 719_468
        let era = z / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        self.amzDate =
            pad(year, 4) + pad(month, 2) + pad(day, 2) + "T" + pad(secondOfDay / 3600, 2)
            + pad(secondOfDay % 3600 / 60, 2) + pad(secondOfDay % 60, 2) + "Z"
    }
}
