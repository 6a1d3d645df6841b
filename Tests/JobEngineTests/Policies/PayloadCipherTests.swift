import Foundation
import TestSupport
import Testing

@testable import JobEngine
@testable import Observability
@testable import Policies
@testable import Secrets

@Suite("Payload encryption (enc:v1, AES-256-GCM)")
struct PayloadCipherTests {
    struct Vector: Decodable {
        let kid: String
        let key: String
        let queue: String
        let nonce: String
        let plaintext: String
        let wire: String
    }

    struct VectorFile: Decodable {
        let vectors: [Vector]
    }

    static func vectors() throws -> [Vector] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/encryption-vectors.json")
        return try JSONDecoder().decode(VectorFile.self, from: Data(contentsOf: url)).vectors
    }

    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    static let ring = "k2:" + Data(repeating: 7, count: 32).base64EncodedString() + ",k1:" + Data(repeating: 9, count: 32).base64EncodedString()

    @Test("every vector decrypts to its plaintext and encrypts to its wire value")
    func vectorsBothWays() throws {
        let vectors = try Self.vectors()
        #expect(vectors.count >= 3)
        for vector in vectors {
            let cipher = PayloadCipher(keyRing: try KeyRing(parsing: "\(vector.kid):\(vector.key)"))
            #expect(String(decoding: try cipher.decrypt(vector.wire, queue: vector.queue), as: UTF8.self) == vector.plaintext)
            let wire = try cipher.encrypt(Data(vector.plaintext.utf8), queue: vector.queue, nonce: Self.bytes(hex: vector.nonce))
            #expect(wire == vector.wire)
        }
    }

    @Test("round trip with a random nonce; the first key encrypts and old keys still decrypt")
    func rotation() throws {
        let old = PayloadCipher(keyRing: try KeyRing(parsing: "k1:" + Data(repeating: 9, count: 32).base64EncodedString()))
        let rotated = PayloadCipher(keyRing: try KeyRing(parsing: Self.ring))
        let plaintext = Data(#"{"type":"canary"}"#.utf8)
        let fromOld = try old.encrypt(plaintext, queue: "q")
        #expect(fromOld.hasPrefix("enc:v1:k1:"))
        #expect(try rotated.decrypt(fromOld, queue: "q") == plaintext)
        let fresh = try rotated.encrypt(plaintext, queue: "q")
        #expect(fresh.hasPrefix("enc:v1:k2:"))
        #expect(try rotated.decrypt(fresh, queue: "q") == plaintext)
        #expect(try rotated.encrypt(plaintext, queue: "q") != fresh, "nonces must differ")
    }

    @Test("tampered, unknown kid, wrong queue and malformed values are permanent errors that leak nothing")
    func failures() throws {
        let cipher = PayloadCipher(keyRing: try KeyRing(parsing: Self.ring))
        let secretText = "secret-plaintext-4711"
        let wire = try cipher.encrypt(Data(#"{"type":"canary","x":"\#(secretText)"}"#.utf8), queue: "email_queue")
        var tampered = Array(wire)
        let position = tampered.count - 10
        tampered[position] = tampered[position] == "A" ? "B" : "A"
        let cases: [(String, String, String)] = [
            (String(tampered), "email_queue", "failed authentication"),
            (wire, "sms_queue", "another queue"),
            (wire.replacingOccurrences(of: "enc:v1:k2:", with: "enc:v1:k9:"), "email_queue", "unknown key id 'k9'"),
            ("enc:v2:k2:AAAA", "email_queue", "unsupported format version 'v2'"),
            ("enc:v1:k2", "email_queue", "malformed"),
            ("enc:v1:k2:not base64!", "email_queue", "base64"),
            ("enc:v1:k2:AAAA", "email_queue", "shorter than nonce and tag"),
            ("enc:v1:k:2:AAAA", "email_queue", "unknown key id"),
        ]
        for (value, queue, expected) in cases {
            do {
                _ = try cipher.decrypt(value, queue: queue)
                Issue.record("\(value.prefix(30)) decrypted")
            } catch {
                #expect(error.kind == .permanent)
                #expect(error.message.contains(expected), "\(error.message)")
                #expect(!error.message.contains(secretText))
            }
        }
    }

    @Test("bad key rings are refused with messages that never contain key material")
    func keyRingErrors() {
        let key = Data(repeating: 1, count: 32).base64EncodedString()
        let short = Data(repeating: 1, count: 16).base64EncodedString()
        let cases: [(String, String)] = [
            ("", "no keys"),
            ("k1", "entry 1 is not kid:base64key"),
            ("k1:\(short)", "16 bytes"),
            ("k1:%%%", "not standard base64"),
            ("k1:\(key),k1:\(key)", "appears twice"),
            ("bad kid:\(key)", "invalid key id"),
        ]
        for (text, expected) in cases {
            do {
                _ = try KeyRing(parsing: text)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.message.contains(expected), "\(error.message)")
                #expect(!error.message.contains(key) && !error.message.contains(short))
            }
        }
        #expect(throws: Never.self) { try KeyRing(parsing: " a:\(key) , b:\(key) ") }
        #expect((try? KeyRing(parsing: "a:\(key)"))?.description == "KeyRing(a)")
    }

    @Test("the payload decoder dead-letters encrypted jobs it cannot open and opens good ones")
    func decoderIntegration() throws {
        let cipher = PayloadCipher(keyRing: try KeyRing(parsing: Self.ring))
        let decoder = JobPayloadDecoder(decryptor: cipher)
        let wire = try cipher.encrypt(Data(#"{"type":"canary"}"#.utf8), queue: "q1")
        let payload = try decoder.decode(jobData: wire, queue: "q1")
        #expect(payload.type == "canary" && payload.wasEncrypted)
        #expect(throws: JobError.self) { try decoder.decode(jobData: wire, queue: "q2") }
    }
}
