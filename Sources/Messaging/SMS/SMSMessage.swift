/// One text message to send.
public struct SMSMessage: Sendable {
    public let to: PhoneNumber
    public let text: String
    /// SMS or LMS by EUC-KR length.
    public let kind: SMSKind
    /// LMS title (providers show it above the text); ignored for SMS.
    public let subject: String?

    public init(to: PhoneNumber, text: String, subject: String? = nil) {
        self.to = to
        self.text = text
        self.kind = SMSEncoding.kind(of: text)
        self.subject = subject
    }
}

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
