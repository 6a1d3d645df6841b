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
