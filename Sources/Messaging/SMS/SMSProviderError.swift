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
