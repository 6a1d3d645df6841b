/// One message of a batch sent over shared SMTP sessions (``SMTPClient/send(batch:)``): the
/// rendered bytes and the envelope.
public struct SMTPBatchMessage: Sendable {
    /// The rendered message (CRLF line endings; dot-stuffing is done when sending).
    public var bytes: [UInt8]
    /// The envelope sender (`MAIL FROM`).
    public var sender: String
    /// The envelope recipients (`RCPT TO`), at least one.
    public var recipients: [String]
    /// Whether an address needs the server's SMTPUTF8.
    public var requiresSMTPUTF8: Bool

    /// A message for a batch.
    public init(bytes: [UInt8], sender: String, recipients: [String], requiresSMTPUTF8: Bool) {
        self.bytes = bytes
        self.sender = sender
        self.recipients = recipients
        self.requiresSMTPUTF8 = requiresSMTPUTF8
    }
}
