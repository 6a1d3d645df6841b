import NIOCore
import SMTPProtocol
import Testing

@Suite struct SMTPReplyParserTests {
    let parser = SMTPReplyParser()

    private func parseAll(_ text: String, chunk: Int? = nil) throws -> [SMTPReply] {
        var buffer = ByteBuffer()
        var replies: [SMTPReply] = []
        let bytes = Array(text.utf8)
        let step = chunk ?? bytes.count
        var index = 0
        while index < bytes.count {
            buffer.writeBytes(bytes[index..<min(index + step, bytes.count)])
            index += step
            while let reply = try parser.parse(&buffer) { replies.append(reply) }
        }
        #expect(buffer.readableBytes == 0)
        return replies
    }

    @Test func singleLine() throws {
        let replies = try parseAll("220 mail.example.com ESMTP ready\r\n")
        #expect(replies == [SMTPReply(code: 220, lines: ["mail.example.com ESMTP ready"])])
    }

    @Test func multiLineByteAtATimeEqualsOneChunk() throws {
        let text = "250-mail.example.com\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250-SIZE 1000\r\n250 SMTPUTF8\r\n354 go ahead\r\n"
        let whole = try parseAll(text)
        let dripped = try parseAll(text, chunk: 1)
        #expect(whole == dripped)
        #expect(whole.count == 2)
        #expect(whole[0].lines == ["mail.example.com", "PIPELINING", "AUTH PLAIN LOGIN", "SIZE 1000", "SMTPUTF8"])
        #expect(whole[1].code == 354)
    }

    @Test func partialReplyLeavesBufferUntouched() throws {
        var buffer = ByteBuffer(string: "250-first\r\n250 sec")
        #expect(try parser.parse(&buffer) == nil)
        #expect(buffer.readableBytes == 18)
        buffer.writeString("ond\r\n")
        #expect(try parser.parse(&buffer)?.lines == ["first", "second"])
    }

    @Test func enhancedCodesAreSeparated() throws {
        let replies = try parseAll("550-5.1.1 mailbox\r\n550 5.1.1 unavailable\r\n451 4.3.0 try later\r\n")
        #expect(replies[0].enhancedCode == "5.1.1")
        #expect(replies[0].lines == ["mailbox", "unavailable"])
        #expect(replies[0].isPermanentNegative)
        #expect(replies[1].isTransientNegative)
        #expect(replies[1].description == "451 4.3.0 try later")
    }

    @Test func bareLFAndCodeOnlyLines() throws {
        let replies = try parseAll("250\n221 bye\n")
        #expect(replies.map(\.code) == [250, 221])
        #expect(replies[0].text == "")
    }

    @Test(arguments: ["hello\r\n", "25\r\n", "999 no\r\n", "250x\r\n", "600 x\r\n", "\r\n"])
    func malformedRepliesAreErrors(_ text: String) {
        var buffer = ByteBuffer(string: text)
        #expect(throws: SMTPProtocolError.self) { try parser.parse(&buffer) }
    }

    @Test func mixedCodesInOneReplyAreAnError() {
        var buffer = ByteBuffer(string: "250-a\r\n251 b\r\n")
        #expect(throws: SMTPProtocolError.self) { try parser.parse(&buffer) }
    }

    @Test func endlessLineIsRefusedWithoutBufferingForever() {
        var buffer = ByteBuffer(string: "250 " + String(repeating: "a", count: 10_000))
        #expect(throws: SMTPProtocolError.replyTooLong(limit: 4096)) { try parser.parse(&buffer) }
    }

    @Test func endlessMultiLineReplyIsRefused() {
        var buffer = ByteBuffer(string: String(repeating: "250-x\r\n", count: 500))
        #expect(throws: SMTPProtocolError.tooManyLines(limit: 200)) { try parser.parse(&buffer) }
    }

    @Test func invalidUTF8AndNULInServerTextAreTolerated() throws {
        var buffer = ByteBuffer(bytes: Array("550 bad ".utf8) + [0xFF, 0xFE, 0x00, 0xC3] + Array("\r\n".utf8))
        let reply = try #require(try parser.parse(&buffer))
        #expect(reply.code == 550)
        #expect(!reply.text.contains("\u{0}"))
    }

    @Test func capabilitiesFromEHLO() throws {
        let reply = try #require(try parseAll("250-mx.example\r\n250-pipelining\r\n250-AUTH=LOGIN\r\n250-AUTH PLAIN CRAM-MD5\r\n250-8BITMIME\r\n250-STARTTLS\r\n250 SIZE 35882577\r\n").first)
        let caps = SMTPCapabilities(ehlo: reply)
        #expect(caps.pipelining)
        #expect(caps.startTLS)
        #expect(caps.eightBitMIME)
        #expect(!caps.smtpUTF8)
        #expect(caps.authMechanisms == ["LOGIN", "PLAIN", "CRAM-MD5"])
        #expect(caps.maximumSize == 35_882_577)
    }
}
