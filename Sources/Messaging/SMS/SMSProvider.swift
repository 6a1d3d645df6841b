/// An SMS gateway: builds its documented request shape and interprets its answer.
///
/// Implementations throw ``SMSProviderError``: `.unavailable` for outages (connection failures,
/// 5xx, 429, rejected credentials: retried, counted by the `sms:<name>` circuit breaker) and
/// `.refused` for messages the provider will never accept (permanent, dead-lettered).
public protocol SMSProvider: Sendable {
    /// `nhn`, `solapi`, `twilio`, `outbox`.
    var name: String { get }
    func send(_ message: SMSMessage) async throws(SMSProviderError) -> SMSReceipt
}

/// A provider failure, classified (messages never contain phone numbers or keys).
public enum SMSProviderError: Error, Sendable, Equatable {
    /// The provider is unreachable or failing; retry later (optionally no earlier than `retryAfter`).
    case unavailable(String, retryAfter: Duration?)
    /// The provider refused this message for good.
    case refused(String)

    public var message: String {
        switch self {
        case .unavailable(let message, _), .refused(let message): message
        }
    }

    /// Classifies an HTTP answer that was not a success; `detail` is the provider's own error text.
    static func http(status: Int, detail: String, retryAfter: Duration? = nil) -> SMSProviderError {
        let text = "HTTP \(status): \(PhoneDigits.mask(detail))"
        switch status {
        case 429: return .unavailable(text, retryAfter: retryAfter)
        case 401, 403: return .unavailable("credentials refused, " + text, retryAfter: nil)
        case 500...599: return .unavailable(text, retryAfter: retryAfter)
        default: return .refused(text)
        }
    }
}

/// Masks digit runs that could be phone numbers in provider error texts.
enum PhoneDigits {
    static func mask(_ text: String) -> String {
        var output = ""
        var run = ""
        func flush() {
            output += run.count >= 6 ? "***" + run.suffix(4) : run
            run = ""
        }
        for character in text.prefix(300) {
            if character.isASCII && character.isNumber { run.append(character) } else {
                flush()
                output.append(character)
            }
        }
        flush()
        return output
    }
}
