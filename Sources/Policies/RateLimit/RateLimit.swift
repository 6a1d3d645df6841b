import Foundation

/// One per-subject limit: at most ``limit`` units (jobs or bytes) within any ``window``.
///
/// Parsed from `BLUEPRINT_USER_LIMITS` entries such as `email=10/1h`, `sms=5/1d`, `upload=10MB/1d`
/// (`KB`, `MB`, `GB` are powers of 1024; periods `s`, `m`, `h`, `d`).
public struct RateLimit: Sendable, Hashable, CustomStringConvertible {
    /// What is counted.
    public enum Unit: String, Sendable, Hashable {
        /// One unit per job.
        case jobs
        /// The job's byte size (its `size_bytes` argument).
        case bytes
    }

    /// The action name, part of the Redis key (`email`, `sms`, `upload`, or a job type).
    public var action: String
    /// Most units within one window.
    public var limit: Int64
    /// Length of the sliding window.
    public var window: Duration
    public var unit: Unit

    public init(action: String, limit: Int64, window: Duration, unit: Unit = .jobs) {
        self.action = action
        self.limit = limit
        self.window = window
        self.unit = unit
    }


    /// The window in milliseconds.
    public var windowMilliseconds: Int64 { self.window.milliseconds }

    /// `10 email per 1h`, `10MB upload per 1d`.
    public var description: String {
        let amount = self.unit == .bytes ? Self.formatBytes(self.limit) : "\(self.limit)"
        return "\(amount) \(self.action) per \(Self.formatPeriod(self.windowMilliseconds))"
    }

    /// Parses the right-hand side of `action=N/period` (`10/1h`, `10MB/1d`).
    public init(action: String, parsing text: String) throws(RateLimitSettingError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw RateLimitSettingError("\(action): expected N/period, e.g. 10/1h or 10MB/1d") }
        let amountText = parts[0].trimmingCharacters(in: .whitespaces).uppercased()
        var unit = Unit.jobs
        var multiplier: Int64 = 1
        var digits = Substring(amountText)
        for (suffix, factor) in [("KB", Int64(1) << 10), ("MB", Int64(1) << 20), ("GB", Int64(1) << 30), ("B", Int64(1))]
        where amountText.hasSuffix(suffix) {
            unit = .bytes
            multiplier = factor
            digits = amountText.dropLast(suffix.count)
            break
        }
        guard let amount = Int64(digits), amount > 0, amount <= Int64(1) << 40 else {
            throw RateLimitSettingError("\(action): the amount must be a positive integer, optionally with KB, MB or GB")
        }
        guard let window = Self.parsePeriod(parts[1].trimmingCharacters(in: .whitespaces)) else {
            throw RateLimitSettingError("\(action): the period must be like 30s, 10m, 1h or 1d (at most 366d)")
        }
        self.init(action: action, limit: amount * multiplier, window: window, unit: unit)
    }

    static func parsePeriod(_ text: String) -> Duration? {
        guard let last = text.last else { return nil }
        let number = text.dropLast()
        let seconds: Int64
        switch last {
        case "s": seconds = 1
        case "m": seconds = 60
        case "h": seconds = 3600
        case "d": seconds = 86_400
        default: return nil
        }
        guard let n = Int64(number.isEmpty ? "1" : number), n > 0, n * seconds <= 366 * 86_400 else { return nil }
        return .seconds(n * seconds)
    }

    static func formatPeriod(_ milliseconds: Int64) -> String {
        let seconds = milliseconds / 1000
        if seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }

    static func formatBytes(_ bytes: Int64) -> String {
        if bytes % (1 << 30) == 0 { return "\(bytes >> 30)GB" }
        if bytes % (1 << 20) == 0 { return "\(bytes >> 20)MB" }
        if bytes % (1 << 10) == 0 { return "\(bytes >> 10)KB" }
        return "\(bytes)B"
    }
}
