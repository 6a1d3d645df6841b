import Testing

@testable import Storage

@Suite("StorageKey validation")
struct StorageKeyTests {
    @Test(
        "ordinary keys are accepted as given",
        arguments: [
            "a", "uploads/2026/11/photo.jpg", "with space.txt", "plus+sign", "사진/한글 파일.png", "emoji-😀", "a.b/c..d/...e",
            "trailing-dot.", "x/.hidden", String(repeating: "k", count: 1024),
        ])
    func valid(_ text: String) throws {
        let key = try StorageKey(validating: text)
        #expect(key.rawValue == text)
    }

    @Test(
        "hostile or malformed keys are refused",
        arguments: [
            "", "/etc/passwd", "../secret", "a/../../b", "a/./b", ".", "..", "a//b", "a/", "back\\slash",
            "nul\u{0}byte",
            "new\nline", "tab\tkey", "del\u{7F}", "c1\u{85}", String(repeating: "k", count: 1025),
            String(repeating: "한", count: 342),  // 1026 bytes
        ])
    func invalid(_ text: String) {
        #expect(throws: StorageError.invalidKey) { try StorageKey(validating: text) }
    }

    @Test("errors say which rule broke and never repeat the key")
    func messages() {
        for (text, fragment) in [
            ("", "empty"), ("/abs", "absolute"), ("a/../b", "'..'"), ("a//b", "empty segment"), ("a\\b", "backslash"),
        ] {
            do {
                _ = try StorageKey(validating: text)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.message.contains(fragment), "\(error.message)")
                #expect(error.isTransient == false)
            }
        }
        do {
            _ = try StorageKey(validating: "secret-name/\u{1}")
        } catch {
            #expect(!error.message.contains("secret-name"))
        }
    }

    @Test("bytes must be UTF-8")
    func bytes() throws {
        #expect(throws: StorageError.invalidKey) { try StorageKey(validating: [0x61, 0xFF, 0x62] as [UInt8]) }
        #expect(throws: StorageError.invalidKey) { try StorageKey(validating: [0xE1, 0x88] as [UInt8]) }  // truncated
        #expect(try StorageKey(validating: Array("ok/키".utf8)).rawValue == "ok/키")
    }
}
