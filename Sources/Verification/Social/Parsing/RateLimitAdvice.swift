import Foundation
import NIOHTTP1

/// When a provider's answer means "rate limited", how long to wait: pure, on the answer's status
/// and headers and the current time.
///
/// - `429`, or `403` with `x-ratelimit-remaining: 0` (X/Twitter: `x-rate-limit-remaining`) or a `Retry-After` (GitHub's primary and
///   secondary limits), is a rate limit; any other status is not.
/// - The wait is `Retry-After` (whole seconds) when present, else `x-ratelimit-reset` (epoch
///   seconds, GitHub and X/Twitter) minus now, else ``defaultWait``; clamped to 1 s ... 24 h.
public enum RateLimitAdvice {
    /// The wait when a rate-limited answer gives no time.
    public static let defaultWait: Duration = .seconds(60)
    /// The longest wait honoured (X/Twitter has daily caps).
    public static let maximumWait: Duration = .seconds(86_400)

    /// The wait before retrying, or `nil` when the answer is not a rate limit.
    public static func retryAfter(status: Int, headers: HTTPHeaders, now: Date) -> Duration? {
        let retryAfter = headers.first(name: "Retry-After").flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
        // GitHub writes `x-ratelimit-*`, X/Twitter `x-rate-limit-*`.
        func number(_ name: String) -> Int64? {
            (headers.first(name: "x-ratelimit-\(name)") ?? headers.first(name: "x-rate-limit-\(name)"))
                .flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
        }
        let remaining = number("remaining")
        let reset = number("reset")
        let limited = status == 429 || (status == 403 && (remaining == 0 || retryAfter != nil))
        guard limited else { return nil }
        let seconds: Int64
        if let retryAfter {
            seconds = retryAfter
        } else if let reset, remaining == 0 || status == 429 {
            seconds = reset - Int64(now.timeIntervalSince1970.rounded(.down))
        } else {
            return Self.defaultWait
        }
        return .seconds(min(max(seconds, 1), Self.maximumWait.components.seconds))
    }
}
