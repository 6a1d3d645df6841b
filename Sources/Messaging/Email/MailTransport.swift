import SMTPProtocol

/// Where rendered mail goes: an SMTP relay or the development outbox.
public protocol MailTransport: Sendable {
    /// Delivers `message`; returns an identifier for the sent marker and the job result
    /// (the Message-ID). Throws ``JobError``-mappable failures as ``SMTPError``.
    func deliver(_ message: MailMessage) async throws -> MailReceipt
    /// Delivers many messages, one result per message in order; one failing never fails the
    /// others. The default delivers them one by one, concurrently.
    func deliver(batch: [MailMessage]) async -> [Result<MailReceipt, any Error>]
    /// Releases connections.
    func shutdown() async
    /// A short name for logs and results (`smtp`, `outbox`).
    var kind: String { get }
}

extension MailTransport {
    public func deliver(batch: [MailMessage]) async -> [Result<MailReceipt, any Error>] {
        await withTaskGroup(of: (Int, Result<MailReceipt, any Error>).self) { group in
            for (index, message) in batch.enumerated() {
                group.addTask {
                    do {
                        return (index, .success(try await self.deliver(message)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var results = [Result<MailReceipt, any Error>](repeating: .failure(CancellationError()), count: batch.count)
            for await (index, result) in group { results[index] = result }
            return results
        }
    }
}
