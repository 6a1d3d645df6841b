import Testing

@testable import Verification

@Suite("Domain name syntax and IDNA")
struct DomainNameTests {
    @Test(arguments: [
        ("example.com", "example.com"),
        ("  Example.COM.  ", "example.com"),
        ("한국.kr", "xn--3e0b707e.kr"),
        ("삼성전자.한국", "xn--cg4bkiv2oina.xn--3e0b707e"),
        ("메일.회사.kr", "xn--h32bq4v.xn--vf4b131b.kr"),
        ("BÜCHER.de", "xn--bcher-kva.de"),
        ("한국。kr", "xn--3e0b707e.kr"),
        ("例え．テスト", "xn--r8jz45g.xn--zckzah"),
        ("xn--3e0b707e.kr", "xn--3e0b707e.kr"),
        ("a-b.co.kr", "a-b.co.kr"),
        ("123.example", "123.example"),
    ])
    func normalizes(input: String, ascii: String) throws {
        #expect(try DomainName(input).ascii == ascii)
    }

    @Test func refusesBadSyntax() {
        #expect(throws: DomainNameError.empty) { try DomainName("") }
        #expect(throws: DomainNameError.empty) { try DomainName("   ") }
        #expect(throws: DomainNameError.emptyLabel) { try DomainName("a..com") }
        #expect(throws: DomainNameError.emptyLabel) { try DomainName(".com") }
        #expect(throws: DomainNameError.emptyLabel) { try DomainName("com..") }
        #expect(throws: DomainNameError.singleLabel) { try DomainName("localhost") }
        #expect(throws: DomainNameError.singleLabel) { try DomainName("한국") }
        #expect(throws: DomainNameError.numericTopLevel) { try DomainName("192.168.0.1") }
        #expect(throws: DomainNameError.invalidCharacter) { try DomainName("exa mple.com") }
        #expect(throws: DomainNameError.invalidCharacter) { try DomainName("under_score.com") }
        #expect(throws: DomainNameError.invalidCharacter) { try DomainName("ex@mple.com") }
        #expect(throws: DomainNameError.invalidCharacter) { try DomainName("한국\u{200B}.kr") }
        #expect(throws: DomainNameError.invalidCharacter) { try DomainName("한\u{3000}국.kr") }
        #expect(throws: DomainNameError.invalidCharacter) { try DomainName("☃.com") }
        #expect(throws: DomainNameError.invalidCharacter) { try DomainName("한국!.kr") }
        #expect(throws: DomainNameError.invalidCharacter) { try DomainName("a\u{0}b.com") }
        #expect(throws: DomainNameError.hyphenPlacement) { try DomainName("-abc.com") }
        #expect(throws: DomainNameError.hyphenPlacement) { try DomainName("abc-.com") }
        #expect(throws: DomainNameError.hyphenPlacement) { try DomainName("ab--cd.com") }
    }

    @Test func lengthLimitsApplyAfterPunycode() throws {
        #expect(try DomainName(String(repeating: "a", count: 63) + ".com").ascii.count == 67)
        #expect(throws: DomainNameError.labelTooLong) { try DomainName(String(repeating: "a", count: 64) + ".com") }
        // 20 different Hangul syllables: 20 characters, but over 63 bytes as punycode.
        let syllables = String(String.UnicodeScalarView((0..<20).compactMap { Unicode.Scalar(0xAC00 + $0 * 397) }))
        #expect(throws: DomainNameError.labelTooLong) { try DomainName(syllables + ".kr") }
        #expect(try DomainName(String(syllables.prefix(8)) + ".kr").ascii.hasPrefix("xn--"))
        let label = String(repeating: "b", count: 63)
        // 63*3 + 61 + 3 dots = 253: the longest name.
        #expect(
            try DomainName([label, label, label, String(repeating: "c", count: 61)].joined(separator: ".")).ascii.count
                == 253)
        #expect(throws: DomainNameError.nameTooLong) {
            try DomainName([label, label, label, String(repeating: "c", count: 62)].joined(separator: "."))
        }
    }

    @Test func domainOfAnEmail() throws {
        #expect(try DomainName.ofEmail("kim@Samsung.com").ascii == "samsung.com")
        #expect(try DomainName.ofEmail("\"a@b\"@회사.kr").ascii == "xn--vf4b131b.kr")
        #expect(throws: DomainNameError.invalidEmail) { try DomainName.ofEmail("nobody") }
        #expect(throws: DomainNameError.invalidEmail) { try DomainName.ofEmail("@example.com") }
        #expect(throws: DomainNameError.invalidEmail) { try DomainName.ofEmail("kim@") }
        #expect(throws: DomainNameError.singleLabel) { try DomainName.ofEmail("kim@localhost") }
    }

    @Test func hostileInputNeverTraps() {
        var generator = SystemRandomNumberGenerator()
        let pool: [Character] = [
            "a", "Z", "0", "-", ".", "。", "@", " ", "한", "국", "\u{0}", "\u{200B}", "😀", "_", "é", "\u{10FFFF}", "ß",
            "İ",
        ]
        for _ in 0..<5_000 {
            let text = String(
                (0..<Int.random(in: 0...80, using: &generator)).map { _ in pool.randomElement(using: &generator)! })
            if let name = try? DomainName(text) {
                #expect(name.ascii.utf8.count <= 253)
                #expect(name.ascii.unicodeScalars.allSatisfy { $0.isASCII })
            }
            _ = try? DomainName.ofEmail(text)
        }
        _ = try? DomainName(String(repeating: "가", count: 100_000))
        _ = try? DomainName(String(repeating: ".", count: 100_000))
    }
}
