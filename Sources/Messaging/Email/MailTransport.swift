import SMTPProtocol

/// Where rendered mail goes: an SMTP relay or the development outbox.
public protocol MailTransport: Sendable {
    /// Delivers `message`; returns an identifier for the sent marker and the job result
    /// (the Message-ID). Throws ``JobError``-mappable failures as ``SMTPError``.
    func deliver(_ message: MailMessage) async throws -> MailReceipt
    /// Releases connections.
    func shutdown() async
    /// A short name for logs and results (`smtp`, `outbox`).
    var kind: String { get }
}

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
