import Crypto
import Foundation

/// The payload encryption keys (`BLUEPRINT_ENCRYPTION_KEYS`): `kid1:base64key,kid2:base64key`.
///
/// Every key is 32 bytes (AES-256) in standard base64. The first key encrypts new payloads and
/// results; every key decrypts, so a rotation is: prepend the new key, deploy, drain old jobs, then
/// drop the old key. The type never prints key material (its description lists only key ids).
public struct KeyRing: Sendable, CustomStringConvertible {
    /// One named key.
    public struct Key: Sendable {
        /// The `kid` written into `enc:v1:<kid>:...`.
        public let id: String
        /// Raw key bytes (SymmetricKey is not Sendable in swift-crypto 3); never printed.
        let bytes: [UInt8]
        var key: SymmetricKey { SymmetricKey(data: self.bytes) }
    }

    /// Keys in configuration order; `keys[0]` encrypts.
    public let keys: [Key]

    /// A ring of raw 32-byte keys, the first encrypting.
    public init(keys: [(id: String, bytes: [UInt8])]) throws(KeyRingError) {
        guard !keys.isEmpty else { throw .empty }
        var seen = Set<String>()
        var parsed: [Key] = []
        for (index, entry) in keys.enumerated() {
            guard Self.isValidKeyID(entry.id) else { throw .invalidKeyID(position: index + 1) }
            guard seen.insert(entry.id).inserted else { throw .duplicateKeyID(entry.id) }
            guard entry.bytes.count == 32 else { throw .wrongKeyLength(id: entry.id, bytes: entry.bytes.count) }
            parsed.append(Key(id: entry.id, bytes: entry.bytes))
        }
        self.keys = parsed
    }

    /// Parses `kid1:base64key,kid2:base64key` (spaces around entries are ignored).
    public init(parsing text: String) throws(KeyRingError) {
        var entries: [(id: String, bytes: [UInt8])] = []
        for (index, part) in text.split(separator: ",", omittingEmptySubsequences: true).enumerated() {
            let item = part.trimmingCharacters(in: .whitespaces)
            guard let colon = item.firstIndex(of: ":") else { throw .malformedEntry(position: index + 1) }
            let id = String(item[..<colon])
            let encoded = String(item[item.index(after: colon)...])
            guard let bytes = Data(base64Encoded: encoded) else { throw .invalidBase64(id: id) }
            entries.append((id, Array(bytes)))
        }
        try self.init(keys: entries)
    }

    /// The key that encrypts.
    public var current: Key { self.keys[0] }

    /// The key named `id`, if the ring has it.
    public func key(id: String) -> Key? {
        self.keys.first { $0.id == id }
    }

    /// Key ids only, never key material.
    public var description: String { "KeyRing(\(self.keys.map(\.id).joined(separator: ",")))" }

    /// `[A-Za-z0-9._-]{1,64}`: a kid must not contain `:` (the wire separator) or anything odd.
    static func isValidKeyID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 64
            && id.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }
    }
}
