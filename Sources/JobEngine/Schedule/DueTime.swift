/// When a stream entry asks to run: its `run_at` or `delay_ms` field, read and checked (pure).
///
/// - `run_at`: ms since the epoch.
/// - `delay_ms`: ms after the entry's `enqueued_at` when present, else after its ID's time (so an
///   entry read late is not delayed more).
///
/// An empty value counts as absent. A bad value (not a whole number, negative, both fields given,
/// `run_at` that looks like seconds, or more than ``maximumAhead`` away) is a permanent error: the
/// job is dead-lettered at once with that message rather than run at a time nobody asked for.
/// A due time in the past runs at once.
public enum DueTime {
    /// Field names of the wire contract.
    public static let runAtField = "run_at"
    public static let delayField = "delay_ms"
    /// Informational field of a postponed entry: the due time (ms) it waited for.
    public static let scheduledForField = "scheduled_for"
    /// Entries due within this many ms run now instead of taking a round trip through the delayed set.
    public static let tolerance: Int64 = 50
    /// Furthest due time accepted, from now (366 days).
    public static let maximumAhead: Int64 = 366 * 86_400_000
    /// `run_at` values below this (1973-03-03 in ms, or year 5138 in seconds) are taken for seconds.
    static let smallestMilliseconds: Int64 = 100_000_000_000

    /// The due time in ms, or `nil` when the entry has neither field (or empty ones).
    public static func parse(fields: [String: String], entryID: String, enqueuedAt: Int64?, now: Int64) throws(JobError)
        -> Int64?
    {
        let runAt = fields[Self.runAtField].flatMap { $0.isEmpty ? nil : $0 }
        let delay = fields[Self.delayField].flatMap { $0.isEmpty ? nil : $0 }
        switch (runAt, delay) {
        case (nil, nil):
            return nil
        case (.some, .some):
            throw .permanent("give run_at or delay_ms, not both")
        case (let text?, nil):
            guard let value = Self.wholeNumber(text) else {
                throw .permanent("run_at must be a whole number of ms since the epoch, got \(Self.describe(text))")
            }
            guard value >= Self.smallestMilliseconds else {
                throw .permanent("run_at \(value) is before 1973: it must be ms since the epoch (seconds given?)")
            }
            guard value <= now + Self.maximumAhead else {
                throw .permanent("run_at is more than 366 days ahead")
            }
            return value
        case (nil, let text?):
            guard let value = Self.wholeNumber(text) else {
                throw .permanent("delay_ms must be a whole number of ms, got \(Self.describe(text))")
            }
            guard value <= Self.maximumAhead else { throw .permanent("delay_ms is more than 366 days") }
            let base = enqueuedAt ?? Self.milliseconds(ofEntryID: entryID) ?? now
            return base + value
        }
    }

    /// A non-negative decimal of at most 18 digits, else `nil`.
    static func wholeNumber(_ text: String) -> Int64? {
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        return Int64(text)
    }

    /// The ms part of a stream ID (`1700000000000-0`).
    static func milliseconds(ofEntryID id: String) -> Int64? {
        guard let dash = id.firstIndex(of: "-") else { return nil }
        return Self.wholeNumber(String(id[..<dash]))
    }

    /// A short, safe description of a bad value (never the value when it is long).
    private static func describe(_ text: String) -> String {
        text.utf8.count <= 24 ? CronSyntaxError.quote(text) : "\(text.utf8.count) characters"
    }
}
