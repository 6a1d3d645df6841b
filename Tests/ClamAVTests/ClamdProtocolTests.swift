import NIOCore
import NIOTestUtils
import Testing

@testable import ClamAV

@Suite("clamd protocol: commands, INSTREAM framing, replies (no sockets)")
struct ClamdProtocolTests {
    @Test("commands use the NUL-terminated z form")
    func commands() {
        #expect(Array(buffer: ClamdCommand.ping.encoded) == Array("zPING\0".utf8))
        #expect(Array(buffer: ClamdCommand.version.encoded) == Array("zVERSION\0".utf8))
        #expect(Array(buffer: ClamdCommand.instream.encoded) == Array("zINSTREAM\0".utf8))
    }

    @Test("a chunk is prefixed by its 4-byte big-endian length; the terminator is four zero bytes")
    func framing() {
        let framed = ClamdStreamFraming.frame(ByteBuffer(string: "abc"))
        #expect(Array(buffer: framed) == [0, 0, 0, 3, 0x61, 0x62, 0x63])
        let big = ClamdStreamFraming.frame(ByteBuffer(repeating: 7, count: 0x0102_03))
        #expect(Array(big.readableBytesView.prefix(4)) == [0, 0x01, 0x02, 0x03])
        #expect(big.readableBytes == 4 + 0x0102_03)
        #expect(Array(buffer: ClamdStreamFraming.terminator) == [0, 0, 0, 0])
        // An empty chunk would read as the terminator: it is not written at all.
        #expect(ClamdStreamFraming.frame(ByteBuffer()).readableBytes == 0)
    }

    @Test("scan replies: OK, FOUND, size limit, other errors")
    func scanReplies() throws {
        #expect(try ClamdReply.parseScanReply(Array("stream: OK".utf8)) == .clean)
        #expect(try ClamdReply.parseScanReply(Array("stream: OK\0".utf8)) == .clean)
        #expect(
            try ClamdReply.parseScanReply(Array("stream: Eicar-Signature FOUND".utf8))
                == .found(signature: "Eicar-Signature"))
        #expect(
            try ClamdReply.parseScanReply(Array("stream: Win.Test.EICAR_HDB-1 FOUND\n".utf8))
                == .found(signature: "Win.Test.EICAR_HDB-1"))
        #expect(try ClamdReply.parseScanReply(Array("INSTREAM size limit exceeded. ERROR".utf8)) == .sizeLimitExceeded)
        #expect(
            try ClamdReply.parseScanReply(Array("Error processing command. ERROR".utf8))
                == .error("Error processing command."))
        #expect(try ClamdReply.parseScanReply(Array("ERROR".utf8)) == .error("unspecified error"))
    }

    @Test(
        "garbage and truncated scan replies are invalid replies",
        arguments: [
            "", "\0", "hello", "stream:", "stream: ", "stream: FOUND", "stream:  FOUND", "stream: OKAY",
            "stream: Eicar FOUND extra", "stream: Eicar-Sig", "PONG", "stream: A\u{1}B FOUND", "stream: OK\r",
            String(repeating: "x", count: 5000),
        ])
    func garbageScanReplies(text: String) {
        #expect(throws: ClamdError.invalidReply) { try ClamdReply.parseScanReply(Array(text.utf8)) }
    }

    @Test("a reply that is not UTF-8 is invalid")
    func notUTF8() {
        #expect(throws: ClamdError.invalidReply) { try ClamdReply.parseScanReply([0x73, 0xFF, 0xFE, 0x20]) }
    }

    @Test("PING and VERSION replies")
    func healthReplies() throws {
        #expect(try ClamdReply.parsePingReply(Array("PONG\0".utf8)) == .pong)
        #expect(throws: ClamdError.invalidReply) { try ClamdReply.parsePingReply(Array("PANG".utf8)) }
        #expect(throws: ClamdError.invalidReply) { try ClamdReply.parsePingReply([]) }
        #expect(
            try ClamdReply.parseVersionReply(Array("ClamAV 1.4.6/27000/Thu Nov 26 2026".utf8))
                == .version("ClamAV 1.4.6/27000/Thu Nov 26 2026"))
        #expect(throws: ClamdError.invalidReply) { try ClamdReply.parseVersionReply(Array("UNKNOWN COMMAND".utf8)) }
    }

    @Test("the decoder splits NUL-terminated replies, fed byte by byte")
    func decoderByteByByte() throws {
        var input = ByteBuffer(string: "stream: OK\0PONG\0")
        var decoder = ClamdReplyDecoder()
        var replies: [String] = []
        var fed = ByteBuffer()
        while let byte = input.readInteger(as: UInt8.self) {
            fed.writeInteger(byte)
            while let reply = try decoder.decode(buffer: &fed) { replies.append(String(buffer: reply)) }
        }
        #expect(replies == ["stream: OK", "PONG"])
    }

    @Test("ByteToMessageDecoderVerifier: any split of the input gives the same replies")
    func decoderVerifier() throws {
        try ByteToMessageDecoderVerifier.verifyDecoder(
            stringInputOutputPairs: [
                ("stream: OK\0", [ByteBuffer(string: "stream: OK")]),
                ("a\0bc\0", [ByteBuffer(string: "a"), ByteBuffer(string: "bc")]),
            ],
            decoderFactory: { ClamdReplyDecoder() })
    }

    @Test("the decoder refuses a reply without a terminator past the maximum length")
    func decoderOverlong() {
        var decoder = ClamdReplyDecoder()
        var buffer = ByteBuffer(repeating: UInt8(ascii: "x"), count: ClamdReply.maximumLength + 1)
        #expect(throws: ClamdError.invalidReply) { try decoder.decode(buffer: &buffer) }
        var terminated = ByteBuffer(repeating: UInt8(ascii: "x"), count: ClamdReply.maximumLength + 5)
        terminated.writeInteger(UInt8(0))
        #expect(throws: ClamdError.invalidReply) { try decoder.decode(buffer: &terminated) }
    }

    @Test("at end of stream, bytes without a terminator are returned for the parser to judge")
    func decoderLast() throws {
        var decoder = ClamdReplyDecoder()
        var buffer = ByteBuffer(string: "stream: O")
        #expect(try decoder.decode(buffer: &buffer) == nil)
        let last = try decoder.decodeLast(buffer: &buffer, seenEOF: true)
        #expect(last.map { String(buffer: $0) } == "stream: O")
        #expect(throws: ClamdError.invalidReply) { try ClamdReply.parseScanReply(last!.readableBytesView) }
    }

    @Test("addresses: tcp://host:port and unix socket paths")
    func addresses() throws {
        #expect(try ClamdAddress.parse("tcp://127.0.0.1:3310") == .tcp(host: "127.0.0.1", port: 3310))
        #expect(try ClamdAddress.parse("tcp://clamd.internal:3310/") == .tcp(host: "clamd.internal", port: 3310))
        #expect(try ClamdAddress.parse("tcp://[::1]:3310") == .tcp(host: "::1", port: 3310))
        #expect(try ClamdAddress.parse("/run/clamav/clamd.ctl") == .unix(path: "/run/clamav/clamd.ctl"))
        #expect(try ClamdAddress.parse("unix:///run/clamav/clamd.ctl") == .unix(path: "/run/clamav/clamd.ctl"))
        #expect(ClamdAddress.tcp(host: "::1", port: 1).description == "tcp://[::1]:1")
    }

    @Test(
        "invalid addresses are refused",
        arguments: [
            "", "clamd:3310", "tcp://", "tcp://host", "tcp://host:0", "tcp://host:70000", "tcp://host:x",
            "tcp://:3310", "tcp://[::1:3310", "tcp://[::1]3310", "http://host:3310", "relative/path.sock",
            "unix://relative", "/" + String(repeating: "a", count: 200), "tcp://a b:1", "tcp://user@host:1",
        ])
    func invalidAddresses(text: String) {
        #expect(throws: ClamdError.invalidAddress) { try ClamdAddress.parse(text) }
    }

    @Test("transient vs permanent errors")
    func classification() {
        #expect(ClamdError.unavailable.isTransient)
        #expect(ClamdError.timedOut.isTransient)
        #expect(ClamdError.invalidReply.isTransient)
        #expect(ClamdError.scanFailed.isTransient)
        #expect(!ClamdError.sizeLimitExceeded.isTransient)
        #expect(!ClamdError.fileUnreadable.isTransient)
        #expect(!ClamdError.invalidAddress.isTransient)
        #expect(ClamdError.unavailable("x") == .unavailable)
        #expect(ClamdError.sizeLimitExceeded.shortDescription == "size_limit_exceeded")
    }
}
