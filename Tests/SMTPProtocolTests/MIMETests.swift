import Foundation
import SMTPProtocol
import Testing

/// A deterministic generator so boundaries and Message-IDs are stable.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 11
    }
}

/// Decodes `=?UTF-8?B?...?=` words separated by folding whitespace (test-side reference decoder).
func decodeEncodedWords(_ value: String) -> String? {
    var bytes: [UInt8] = []
    for word in value.split(whereSeparator: { $0.isWhitespace }) {
        guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?="), let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) else { return nil }
        // Every word must decode on its own: no character split across words.
        guard String(data: data, encoding: .utf8) != nil else { return nil }
        bytes += data
    }
    return String(decoding: bytes, as: UTF8.self)
}

@Suite struct MIMETests {
    func message(subject: String = "안녕하세요, 가입을 환영합니다", text: String = "인증 코드는 123456 입니다.\n감사합니다.", html: String? = "<p>인증 코드: <b>123456</b></p>") throws -> MailMessage {
        MailMessage(
            from: try MailAddress("noreply@blueprint.example", displayName: "블루프린트"),
            to: [try MailAddress("user@example.com", displayName: "홍길동")],
            subject: subject, text: text, html: html, date: 1_795_741_200)
    }

    func render(_ message: MailMessage) throws -> String {
        var random = SeededGenerator(state: 42)
        return String(decoding: try message.render(using: &random), as: UTF8.self)
    }

    /// Unfolded header value of `name`.
    func header(_ name: String, in rendered: String) -> String? {
        let head = rendered.components(separatedBy: "\r\n\r\n")[0]
        let unfolded = head.replacingOccurrences(of: "\r\n ", with: " ")
        return unfolded.components(separatedBy: "\r\n").first { $0.hasPrefix(name + ": ") }.map { String($0.dropFirst(name.count + 2)) }
    }

    @Test func koreanMultipartAlternative() throws {
        let rendered = try render(try message())
        #expect(rendered.utf8.allSatisfy { $0 < 0x80 }, "7-bit clean")
        #expect(decodeEncodedWords(try #require(header("Subject", in: rendered))) == "안녕하세요, 가입을 환영합니다")
        #expect(header("Date", in: rendered) == "Fri, 27 Nov 2026 01:00:00 +0000")
        #expect(header("MIME-Version", in: rendered) == "1.0")
        let contentType = try #require(header("Content-Type", in: rendered))
        #expect(contentType.hasPrefix("multipart/alternative; boundary="))
        // Text first, HTML second.
        let plain = try #require(rendered.range(of: "text/plain"))
        let html = try #require(rendered.range(of: "text/html"))
        #expect(plain.lowerBound < html.lowerBound)
        let from = try #require(header("From", in: rendered))
        #expect(from.hasSuffix("<noreply@blueprint.example>"))
        #expect(decodeEncodedWords(String(from.dropLast(" <noreply@blueprint.example>".count))) == "블루프린트")
    }

    @Test func noBareCROrLFAndLinesWithinLimits() throws {
        let rendered = try render(try message(text: "a\rb\nc\r\nd" + String(repeating: "x", count: 300), html: String(repeating: "한", count: 500)))
        let bytes = Array(rendered.utf8)
        for (index, byte) in bytes.enumerated() {
            if byte == 0x0D { #expect(index + 1 < bytes.count && bytes[index + 1] == 0x0A) }
            if byte == 0x0A { #expect(index > 0 && bytes[index - 1] == 0x0D) }
        }
        for line in rendered.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 78) }
    }

    @Test func encodedWordsNeverSplitACharacter() {
        for text in [String(repeating: "가", count: 200), "👩‍👩‍👧‍👦" + String(repeating: "é한a", count: 80), "x" + String(repeating: "🇰🇷", count: 40)] {
            let words = EncodedWord.encode(text, firstLineUsed: 9)
            for word in words { #expect(word.count <= EncodedWord.maximumWordLength) }
            #expect(decodeEncodedWords(words.joined(separator: "\r\n ")) == text)
        }
    }

    @Test func quotedPrintableRoundTripsAndEscapes() {
        let text = "Hello = world \n.leading dot\n" + String(repeating: "long line ", count: 20) + "\ntrailing space \nnon-ascii é"
        let encoded = QuotedPrintable.encode(text)
        for line in encoded.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 76) }
        #expect(encoded.contains("=3D"))
        #expect(encoded.contains("\r\n=2Eleading"))
        #expect(encoded.contains("space=20\r\n"))
        #expect(encoded.contains("=C3=A9"))
        #expect(Self.decodeQP(encoded) == text.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n")
    }

    static func decodeQP(_ text: String) -> String {
        var bytes: [UInt8] = []
        let input = Array(text.replacingOccurrences(of: "=\r\n", with: "").utf8)
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "="), index + 2 < input.count, let value = UInt8(String(decoding: input[index + 1...index + 2], as: UTF8.self), radix: 16) {
                bytes.append(value)
                index += 3
            } else {
                bytes.append(input[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func dotStuffingAndTerminator() {
        let data = SMTPDataEncoder.encode(Array("line\n.\n..two\r\n.three\rend".utf8))
        #expect(String(decoding: data, as: UTF8.self) == "line\r\n..\r\n...two\r\n..three\r\nend\r\n.\r\n")
    }

    @Test(arguments: ["user@example.com\r\nBcc: victim@example.com", "user@example.com\nX: y", "a\u{0}@example.com", "user@exa\rmple.com"])
    func injectionInAddressIsRefused(_ address: String) {
        #expect(throws: SMTPProtocolError.headerInjection("to")) { try MailAddress(address, field: "to") }
    }

    @Test func injectionInDisplayNameIsRefused() {
        #expect(throws: SMTPProtocolError.headerInjection("to")) { try MailAddress("a@example.com", displayName: "Kim\r\nBcc: x@y.z", field: "to") }
    }

    @Test(arguments: ["Hello\r\nBcc: victim@example.com", "안녕\n하세요", "x\u{0}", "line\u{2028}sep"])
    func injectionInSubjectIsRefused(_ subject: String) throws {
        let message = try message(subject: subject)
        #expect(throws: SMTPProtocolError.headerInjection("subject")) { try message.render() }
    }

    @Test func oneMegabyteSubjectIsAClearError() throws {
        let message = try message(subject: String(repeating: "가", count: 1 << 20))
        #expect(throws: SMTPProtocolError.invalidHeader("subject", "longer than 998 characters")) { try message.render() }
    }

    @Test(arguments: ["", "plain", "a@b", "@example.com", "user@", "a@@example.com", "a b@example.com", "<a@example.com>", "a@-bad.com", "a..b@example.com", "\"q\"@example.com"])
    func invalidAddressesAreRefused(_ address: String) {
        #expect(throws: SMTPProtocolError.self) { try MailAddress(address, field: "to") }
    }

    @Test func validAddresses() throws {
        #expect(try MailAddress("First.Last+tag@Sub.Example.COM").address == "First.Last+tag@sub.example.com")
        #expect(try MailAddress("사용자@예시.한국").requiresSMTPUTF8)
        #expect(try MailAddress("user@example.com").masked == "u***@example.com")
    }

    @Test func invalidUTF8BecomesReplacementCharactersNotACrash() throws {
        let broken = String(decoding: [0x48, 0xFF, 0xC3, 0x28, 0xED, 0xA0, 0x80], as: UTF8.self)
        let rendered = try render(try message(subject: broken, text: broken, html: nil))
        #expect(decodeEncodedWords(try #require(header("Subject", in: rendered)))?.hasPrefix("H\u{FFFD}") == true)
        #expect(header("Content-Type", in: rendered) == "text/plain; charset=UTF-8")
    }

    @Test func extraHeaderValidation() throws {
        var message = try message()
        message.extraHeaders = [("X-Job", "a\r\nBcc: x@y.z")]
        #expect(throws: SMTPProtocolError.headerInjection("X-Job")) { try message.render() }
        message.extraHeaders = [("Bad Name", "v")]
        #expect(throws: SMTPProtocolError.self) { try message.render() }
    }

    @Test func commandsRefuseLineBreaks() throws {
        #expect(try SMTPCommand.mailFrom("a@example.com", parameters: ["BODY=8BITMIME"]).bytes() == Array("MAIL FROM:<a@example.com> BODY=8BITMIME\r\n".utf8))
        #expect(throws: SMTPProtocolError.self) { try SMTPCommand.ehlo("x\r\nRCPT TO:<y@z.com>").bytes() }
        #expect(SASL.plain(username: "user", password: "pass") == "AHVzZXIAcGFzcw==")
    }

    @Test func addressesInServerRepliesAreMasked() {
        #expect(MailAddress.maskAddresses(in: "550 5.1.1 <user@example.com>: Recipient address rejected")
            == "550 5.1.1 <u***@example.com>: Recipient address rejected")
        #expect(MailAddress.maskAddresses(in: "no address here") == "no address here")
    }

    @Test func dates() {
        #expect(RFC5322Date.format(secondsSince1970: 0) == "Thu, 1 Jan 1970 00:00:00 +0000")
        #expect(RFC5322Date.format(secondsSince1970: 951_782_400) == "Tue, 29 Feb 2000 00:00:00 +0000")
    }
}
