import Foundation
import NIOConcurrencyHelpers
import TestSupport
import Testing

@testable import JobEngine
@testable import Observability
@testable import Policies
@testable import Secrets

@Suite("Key ring re-read from BLUEPRINT_ENCRYPTION_KEYS_FILE")
struct ReloadingPayloadCipherTests {
    @Test("a rotated file takes effect without a restart; a broken file keeps the previous ring")
    func rotation() throws {
        let path = NSTemporaryDirectory() + "keys-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = "k1:" + Data(repeating: 1, count: 32).base64EncodedString()
        let second = "k2:" + Data(repeating: 2, count: 32).base64EncodedString() + "," + first
        try (first + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let reports = NIOLockedValueBox<[String]>([])
        let cipher = try ReloadingPayloadCipher(file: FileSecret(path: path)) { _, result in
            reports.withLockedValue {
                switch result {
                case .success(let ring): $0.append("ok \(ring.current.id)")
                case .failure(let error): $0.append("bad \(error.message)")
                }
            }
        }
        let plaintext = Data(#"{"type":"canary"}"#.utf8)
        let old = try cipher.encrypt(plaintext, queue: "q")
        #expect(old.hasPrefix("enc:v1:k1:"))

        try second.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try cipher.encrypt(plaintext, queue: "q").hasPrefix("enc:v1:k1:"), "jobs never look at the file themselves")
        cipher.reload()  // what run() does every checkInterval
        let new = try cipher.encrypt(plaintext, queue: "q")
        #expect(new.hasPrefix("enc:v1:k2:"))
        #expect(try cipher.decrypt(old, queue: "q") == plaintext, "the old kid still decrypts")

        try "k3:tooshort".write(toFile: path, atomically: true, encoding: .utf8)
        cipher.reload()
        cipher.reload()
        #expect(try cipher.encrypt(plaintext, queue: "q").hasPrefix("enc:v1:k2:"), "a broken file keeps the ring")
        _ = try cipher.encrypt(plaintext, queue: "q")
        #expect(reports.withLockedValue { $0 } == ["ok k2", "bad key 'k3' is 6 bytes; AES-256 needs exactly 32"])
        try FileManager.default.removeItem(atPath: path)
        cipher.reload()
        #expect(try cipher.decrypt(new, queue: "q") == plaintext, "a missing file keeps the ring")
    }

    @Test("a job encrypted with a just-rotated key makes the cipher look at the file at once, not a stat per job")
    func unknownKeyIDRechecksTheFile() throws {
        let path = NSTemporaryDirectory() + "keys-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = "k1:" + Data(repeating: 1, count: 32).base64EncodedString()
        let second = "k2:" + Data(repeating: 2, count: 32).base64EncodedString() + "," + first
        try (first + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let cipher = try ReloadingPayloadCipher(file: FileSecret(path: path))
        let plaintext = Data(#"{"type":"canary"}"#.utf8)
        let fromProducer = try PayloadCipher(keyRing: KeyRing(parsing: second)).encrypt(plaintext, queue: "q")
        #expect(fromProducer.hasPrefix("enc:v1:k2:"))
        // The producer rotated first; the file changes just after; no periodic check has run.
        try (second + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try cipher.decrypt(fromProducer, queue: "q") == plaintext)
        #expect(cipher.keyRing.current.id == "k2")
        // A key id that is nowhere is still refused, clearly.
        let stranger = try PayloadCipher(keyRing: KeyRing(parsing: "k9:" + Data(repeating: 9, count: 32).base64EncodedString()))
        #expect(throws: JobError.self) { try cipher.decrypt(try stranger.encrypt(plaintext, queue: "q"), queue: "q") }
    }
}
