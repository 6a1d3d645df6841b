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
