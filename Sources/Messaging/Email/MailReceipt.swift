/// What a transport reports about an accepted message.
public struct MailReceipt: Sendable, Encodable {
    /// The message's `Message-ID` (without brackets).
    public let message_id: String
    /// `smtp` or `outbox`.
    public let transport: String
    /// Recipients the relay refused while accepting others (count only, never addresses).
    public let refused_recipients: Int

    public init(message_id: String, transport: String, refused_recipients: Int = 0) {
        self.message_id = message_id
        self.transport = transport
        self.refused_recipients = refused_recipients
    }
}
