import SMTPClient
import SMTPProtocol

/// Sends through ``SMTPClient`` (pooled, reused connections).
public struct SMTPMailTransport: MailTransport {
    public let client: SMTPClient
    public var kind: String { "smtp" }

    public init(client: SMTPClient) {
        self.client = client
    }

    public func deliver(_ message: MailMessage) async throws -> MailReceipt {
        var message = message
        if message.messageID == nil { message.messageID = MessageID.make(domain: message.from.domain) }
        let delivery = try await self.client.send(message)
        return MailReceipt(message_id: message.messageID!, transport: self.kind, refused_recipients: delivery.refused.count)
    }

    public func shutdown() async {
        await self.client.shutdown()
    }
}
