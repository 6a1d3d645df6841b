import Foundation
import SMTPProtocol

/// The development transport: every message becomes an `.eml` file in a directory, written
/// atomically (temporary file, then rename), so a mail client or a test can open it.
public struct OutboxMailTransport: MailTransport {
    public let directory: URL
    public var kind: String { "outbox" }

    /// Creates the directory if needed.
    public init(directory: String) throws {
        self.directory = URL(fileURLWithPath: directory, isDirectory: true)
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    }

    public func deliver(_ message: MailMessage) async throws -> MailReceipt {
        var message = message
        if message.messageID == nil { message.messageID = MessageID.make(domain: message.from.domain) }
        let bytes = try message.render()
        let id = message.messageID!
        let base = "\(Int64(Date().timeIntervalSince1970 * 1000))-\(id.prefix(while: { $0 != "@" }))"
        let temporary = self.directory.appendingPathComponent(".\(base).tmp")
        try Data(bytes).write(to: temporary)
        try FileManager.default.moveItem(at: temporary, to: self.directory.appendingPathComponent("\(base).eml"))
        return MailReceipt(message_id: id, transport: self.kind)
    }

    public func shutdown() async {}
}
