import JobEngine
import Crypto
import Foundation

/// AES-256-GCM payload encryption exactly as DESIGN.md section 1:
///
///     enc:v1:<kid>:<base64( nonce (12 bytes) || ciphertext || tag (16 bytes) )>
///
/// standard base64 with padding, additional authenticated data = the queue name (UTF-8), so a
/// payload copied onto another queue does not open. Every failure to open is a permanent
/// ``JobError`` (the job is dead-lettered, its ciphertext kept) whose message names the key id
/// and the queue, never plaintext or key material.
public struct PayloadCipher: PayloadDecryptor {
    /// The prefix of every encrypted value of this format version.
    public static let prefix = "enc:v1:"
    static let nonceBytes = 12
    static let tagBytes = 16

    public let keyRing: KeyRing

    public init(keyRing: KeyRing) {
        self.keyRing = keyRing
    }

    /// Encrypts `plaintext` for `queue` with the ring's first key and a random nonce.
    public func encrypt(_ plaintext: Data, queue: String) throws -> String {
        try self.encrypt(plaintext, queue: queue, nonce: AES.GCM.Nonce())
    }

    /// Encrypts with a given 12-byte nonce: only for test vectors (a nonce must never repeat under one key).
    public func encrypt(_ plaintext: Data, queue: String, nonce: [UInt8]) throws -> String {
        try self.encrypt(plaintext, queue: queue, nonce: try AES.GCM.Nonce(data: nonce))
    }

    private func encrypt(_ plaintext: Data, queue: String, nonce: AES.GCM.Nonce) throws -> String {
        let key = self.keyRing.current
        let box = try AES.GCM.seal(plaintext, using: key.key, nonce: nonce, authenticating: Data(queue.utf8))
        guard let combined = box.combined else { throw JobError.permanent("AES-GCM produced no combined box") }
        return Self.prefix + key.id + ":" + combined.base64EncodedString()
    }

    /// The key id of an `enc:v1:<kid>:...` value, if it has that shape.
    public static func keyID(of wireValue: String) -> Substring? {
        guard wireValue.hasPrefix(Self.prefix) else { return nil }
        let rest = wireValue.dropFirst(Self.prefix.count)
        guard let colon = rest.firstIndex(of: ":") else { return nil }
        return rest[..<colon]
    }

    /// Opens an `enc:v1:` value encrypted for `queue`.
    public func decrypt(_ wireValue: String, queue: String) throws(JobError) -> Data {
        guard wireValue.hasPrefix(Self.prefix) else {
            if wireValue.hasPrefix("enc:") {
                let version = wireValue.dropFirst(4).prefix(while: { $0 != ":" }).prefix(16)
                throw .permanent("encrypted job_data has unsupported format version '\(Self.printable(version))' (this worker reads enc:v1)")
            }
            throw .permanent("job_data is not an enc:v1 value")
        }
        let rest = wireValue.dropFirst(Self.prefix.count)
        guard let colon = rest.firstIndex(of: ":") else {
            throw .permanent("encrypted job_data is malformed: expected enc:v1:<kid>:<base64>")
        }
        let kid = String(rest[..<colon])
        guard KeyRing.isValidKeyID(kid) else { throw .permanent("encrypted job_data has an invalid key id") }
        guard let key = self.keyRing.key(id: kid) else {
            throw .permanent("encrypted job_data uses unknown key id '\(kid)' (this worker has \(self.keyRing.keys.map(\.id).joined(separator: ", ")))")
        }
        guard let combined = Data(base64Encoded: String(rest[rest.index(after: colon)...])) else {
            throw .permanent("encrypted job_data (key '\(kid)') is not valid standard base64")
        }
        guard combined.count >= Self.nonceBytes + Self.tagBytes else {
            throw .permanent("encrypted job_data (key '\(kid)') is \(combined.count) bytes, shorter than nonce and tag (28)")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            return try AES.GCM.open(box, using: key.key, authenticating: Data(queue.utf8))
        } catch {
            throw .permanent(
                "encrypted job_data failed authentication with key '\(kid)' for queue '\(queue)': tampered, wrong key, or encrypted for another queue")
        }
    }

    private static func printable(_ text: Substring) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? $0 : "?" }))
    }
}
