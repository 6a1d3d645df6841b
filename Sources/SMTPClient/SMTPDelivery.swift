import SMTPProtocol

/// The outcome of one accepted mail transaction.
public struct SMTPDelivery: Sendable {
    /// A recipient the server refused while accepting others.
    public struct Refusal: Sendable {
        public let recipient: String
        public let reply: SMTPReply
    }

    /// Recipients the server accepted.
    public let accepted: [String]
    /// Recipients the server refused (the message went to the others).
    public let refused: [Refusal]
    /// The server's reply to the end of the data (often carries its queue id).
    public let reply: SMTPReply
}
