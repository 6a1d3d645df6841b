/// What a provider reports for an accepted message.
public struct SMSReceipt: Sendable, Encodable {
    /// The provider's message or request id.
    public let message_id: String
    public let provider: String
    public let kind: SMSKind

    public init(message_id: String, provider: String, kind: SMSKind) {
        self.message_id = message_id
        self.provider = provider
        self.kind = kind
    }
}
