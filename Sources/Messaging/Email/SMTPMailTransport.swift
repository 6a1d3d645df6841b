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

    /// Sends the batch over pooled, pipelined sessions (``SMTPClient/send(batch:)``); a message
    /// that cannot be rendered (header injection, size) fails alone with ``SMTPError/invalidMessage(_:)``.
    public func deliver(batch: [MailMessage]) async -> [Result<MailReceipt, any Error>] {
        var results = [Result<MailReceipt, any Error>?](repeating: nil, count: batch.count)
        var outgoing: [SMTPBatchMessage] = []
        var owners: [(index: Int, id: String)] = []
        for (index, original) in batch.enumerated() {
            var message = original
            if message.messageID == nil { message.messageID = MessageID.make(domain: message.from.domain) }
            do {
                outgoing.append(
                    SMTPBatchMessage(
                        bytes: try message.render(), sender: message.from.address, recipients: message.to.map(\.address),
                        requiresSMTPUTF8: message.requiresSMTPUTF8))
                owners.append((index, message.messageID!))
            } catch {
                results[index] = .failure(SMTPError.invalidMessage(error))
            }
        }
        let deliveries = await self.client.send(batch: outgoing)
        for (owner, delivery) in zip(owners, deliveries) {
            results[owner.index] = delivery.map { MailReceipt(message_id: owner.id, transport: self.kind, refused_recipients: $0.refused.count) }
                .mapError { $0 as any Error }
        }
        return results.map { $0 ?? .failure(SMTPError.closed) }
    }

    public func shutdown() async {
        await self.client.shutdown()
    }
}
