import Foundation

/// The development provider: every message becomes a JSON file in a directory (written atomically).
public struct OutboxSMSProvider: SMSProvider {
    public var name: String { "outbox" }
    public let directory: URL

    public init(directory: String) throws {
        self.directory = URL(fileURLWithPath: directory, isDirectory: true)
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    }

    struct Record: Encodable {
        let id: String
        let to: String
        let kind: SMSKind
        let subject: String?
        let text: String
        let euc_kr_bytes: Int
    }

    public func send(_ message: SMSMessage) async throws(SMSProviderError) -> SMSReceipt {
        let id = "\(Int64(Date().timeIntervalSince1970 * 1000))-\(UInt32.random(in: 0...UInt32.max))"
        let record = Record(id: id, to: message.to.e164, kind: message.kind, subject: message.subject, text: message.text,
                            euc_kr_bytes: SMSEncoding.eucKRLength(message.text))
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let temporary = self.directory.appendingPathComponent(".\(id).tmp")
            try encoder.encode(record).write(to: temporary)
            try FileManager.default.moveItem(at: temporary, to: self.directory.appendingPathComponent("\(id).json"))
        } catch {
            throw .unavailable("SMS outbox cannot be written: \(error)", retryAfter: nil)
        }
        return SMSReceipt(message_id: id, provider: self.name, kind: message.kind)
    }
}
