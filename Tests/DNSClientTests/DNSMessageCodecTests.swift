import Testing

@testable import DNSClient

@Suite("DNS message codec")
struct DNSMessageCodecTests {
    typealias M = DNSTestMessages

    @Test func encodesAQueryByteForByte() throws {
        let bytes = try DNSMessage.query(id: 0x1234, question: DNSQuestion(name: "example.com", type: .mx)).encode()
        #expect(bytes == [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0] + M.exampleCom + [0, 15, 0, 1])
        // A trailing dot is the same name; the root is a single zero byte.
        #expect(
            try DNSMessage.query(id: 0x1234, question: DNSQuestion(name: "example.com.", type: .mx)).encode() == bytes)
        var root: [UInt8] = []
        try DNSName.encode(".", into: &root)
        #expect(root == [0])
    }

    @Test func decodesCompressedAnswers() throws {
        let message = try DNSMessage.decode(M.mxReply)
        #expect(message.header.id == 0xBEEF)
        #expect(message.header.isResponse)
        #expect(!message.header.isTruncated)
        #expect(message.header.responseCode == .noError)
        #expect(message.questions == [DNSQuestion(name: "example.com", type: .mx)])
        #expect(message.answers.count == 4)
        #expect(message.answers[0].name == "example.com")
        #expect(message.answers[0].ttl == 3600)
        #expect(message.answers[0].data == .mx(preference: 10, exchange: "mail.example.com"))
        #expect(message.answers[1].data == .mx(preference: 20, exchange: "mail.example.com"))
        #expect(message.answers[2].data == .txt(["blueprint-verify=", "abc"]))
        #expect(message.answers[2].data.joinedText == "blueprint-verify=abc")
        #expect(message.answers[3].name == "mail.example.com")
        #expect(message.answers[3].data.addressText == "192.0.2.1")
    }

    @Test func decodesNXDomainWithSOAAuthority() throws {
        let message = try DNSMessage.decode(M.nxdomainReply)
        #expect(message.header.responseCode == .nameError)
        #expect(message.answers.isEmpty)
        let soa = try #require(message.authorities.first)
        #expect(soa.name == "example.com")
        #expect(soa.type == .soa)
        #expect(
            soa.data
                == .soa(
                    DNSStartOfAuthority(
                        primaryServer: "ns.example.com", responsibleMailbox: "hostmaster.example.com", serial: 1,
                        refresh: 7200, retry: 3600, expire: 604800, minimum: 300))
        )
        #expect(
            try DNSReplyInterpreter.result(of: message, for: DNSQuestion(name: "nope.example.com", type: .a))
                == .nxdomain)
    }

    @Test func roundTripsEveryRecordType() throws {
        let soa = DNSStartOfAuthority(
            primaryServer: "ns1.example.org", responsibleMailbox: "admin.example.org", serial: 2026112701, refresh: 1,
            retry: 2, expire: 3, minimum: 4)
        let message = DNSMessage(
            header: DNSHeader(id: 42, flags: 0x8580),
            questions: [DNSQuestion(name: "example.org", type: .txt)],
            answers: [
                DNSRecord(name: "example.org", type: .a, ttl: 1, data: .a(IPv4: [10, 0, 0, 1])),
                DNSRecord(
                    name: "example.org", type: .aaaa, ttl: 2,
                    data: .aaaa(IPv6: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1])),
                DNSRecord(name: "example.org", type: .mx, ttl: 3, data: .mx(preference: 5, exchange: "mx.example.org")),
                DNSRecord(name: "example.org", type: .mx, ttl: 3, data: .mx(preference: 0, exchange: "")),
                DNSRecord(name: "example.org", type: .txt, ttl: 4, data: .txt(["v=spf1 ", "-all", ""])),
                DNSRecord(name: "www.example.org", type: .cname, ttl: 5, data: .cname("example.org")),
                DNSRecord(name: "example.org", type: DNSRecordType(rawValue: 99), ttl: 6, data: .other([1, 2, 3])),
            ],
            authorities: [DNSRecord(name: "example.org", type: .soa, ttl: 7, data: .soa(soa))]
        )
        let decoded = try DNSMessage.decode(try message.encode())
        // The encoder writes the counts from the sections.
        var expected = message
        expected.header.questionCount = 1
        expected.header.answerCount = 7
        expected.header.authorityCount = 1
        #expect(decoded == expected)
        #expect(decoded.answers[1].data.addressText == "2001:db8:0:0:0:0:0:1")
        #expect(DNSRecordData.aaaa(IPv6: [1, 2]).addressText == nil)
        #expect(DNSRecordData.a(IPv4: []).addressText == nil)
    }

    @Test func refusesNamesThatCannotBeEncoded() {
        func encode(_ name: String) throws(DNSMessageError) {
            var bytes: [UInt8] = []; try DNSName.encode(name, into: &bytes)
        }
        #expect(throws: DNSMessageError.labelTooLong) { try encode(String(repeating: "a", count: 64) + ".com") }
        #expect(throws: Never.self) { try encode(String(repeating: "a", count: 63) + ".com") }
        // 4 x 63-byte labels = 256 wire bytes with the final zero: one too many.
        let label = String(repeating: "b", count: 63)
        #expect(throws: DNSMessageError.nameTooLong) {
            try encode([label, label, label, label].joined(separator: "."))
        }
        #expect(throws: Never.self) {
            try encode([label, label, label, String(repeating: "c", count: 61)].joined(separator: "."))
        }
        #expect(throws: DNSMessageError.emptyLabel) { try encode("a..com") }
        #expect(throws: DNSMessageError.emptyLabel) { try encode(".com") }
        #expect(throws: DNSMessageError.invalidCharacter) { try encode("한국.kr") }
        #expect(throws: DNSMessageError.invalidCharacter) { try encode("a b.com") }
        #expect(throws: DNSMessageError.badRecordLength) {
            _ = try DNSMessage(
                header: DNSHeader(id: 1, flags: 0),
                answers: [DNSRecord(name: "a.b", type: .txt, ttl: 0, data: .txt([String(repeating: "x", count: 256)]))]
            ).encode()
        }
    }

    @Test func pointerLoopsAreRefused() {
        // A name that is a pointer to itself (offset 12).
        let selfLoop = M.message(qd: 1, body: [0xC0, 12, 0, 1, 0, 1])
        #expect(throws: DNSMessageError.pointerLoop) { try DNSMessage.decode(selfLoop) }
        // Two names pointing at each other: 12 -> 14 (forward) and 14 -> 12.
        let mutual = M.message(qd: 1, body: [0xC0, 14, 0xC0, 12, 0, 1, 0, 1])
        #expect(throws: DNSMessageError.pointerLoop) { try DNSMessage.decode(mutual) }
        // A label then a pointer back to that same label: "a" -> ptr 12 -> "a" -> ...
        let labelLoop = M.message(qd: 1, body: [1, 0x61, 0xC0, 12, 0, 1, 0, 1])
        #expect(throws: DNSMessageError.pointerLoop) { try DNSMessage.decode(labelLoop) }
        // A pointer past the end.
        let outOfRange = M.message(qd: 1, body: [0xC0, 200, 0, 1, 0, 1])
        #expect(throws: DNSMessageError.pointerOutOfRange) { try DNSMessage.decode(outOfRange) }
        let farOut = M.message(qd: 1, body: [0xFF, 0xFF, 0, 1, 0, 1])
        #expect(throws: DNSMessageError.pointerOutOfRange) { try DNSMessage.decode(farOut) }
    }

    @Test func reservedLabelTypesAndOversizeNamesAreRefused() {
        // Length bytes 0x40...0xBF (labels over 63) carry the reserved bits 01 / 10.
        for length: UInt8 in [64, 0x7F, 0x80, 0xBF] {
            let body: [UInt8] = [length] + [UInt8](repeating: 0x61, count: Int(length & 0x3F)) + [0, 0, 1, 0, 1]
            #expect(throws: DNSMessageError.reservedLabelType) { try DNSMessage.decode(M.message(qd: 1, body: body)) }
        }
        // Names over 255 bytes built from pointers: each name adds a 63-byte label to the previous one.
        var body: [UInt8] = []
        var previous: Int?
        for _ in 0..<5 {
            let offset = 12 + body.count
            body += [63] + [UInt8](repeating: 0x62, count: 63)
            if let previous { body += [0xC0 | UInt8(previous >> 8), UInt8(previous & 0xFF)] } else { body += [0] }
            body += [0, 1, 0, 1]
            previous = offset
        }
        #expect(throws: DNSMessageError.nameTooLong) { try DNSMessage.decode(M.message(qd: 5, body: body)) }
        // The first three names fit (65, 129 and 193 wire bytes); the fourth would be 257.
        #expect(throws: Never.self) { try DNSMessage.decode(M.message(qd: 3, body: Array(body.prefix(3 * 70)))) }
    }

    @Test func countsThatLieFailFastWithoutAllocating() {
        // Claims 65535 answers but has none.
        #expect(throws: DNSMessageError.truncated) { try DNSMessage.decode(M.message(an: .max, body: [])) }
        #expect(throws: DNSMessageError.truncated) {
            try DNSMessage.decode(M.message(qd: .max, an: .max, ns: .max, ar: .max, body: [0, 0, 1, 0, 1]))
        }
        // Fewer bytes than a header.
        for length in 0..<12 {
            #expect(throws: DNSMessageError.truncated) { try DNSMessage.decode([UInt8](repeating: 0, count: length)) }
        }
        // Claims fewer records than there are: the rest is ignored, not an error.
        #expect(throws: Never.self) { try DNSMessage.decode(M.message(body: [1, 2, 3, 4])) }
    }

    @Test func recordLengthsMustMatchTheirType() {
        func answer(type: UInt16, rdata: [UInt8]) -> [UInt8] {
            M.message(an: 1, body: [0] + M.u16(type) + M.u16(1) + [0, 0, 0, 0] + M.u16(UInt16(rdata.count)) + rdata)
        }
        #expect(throws: DNSMessageError.badRecordLength) {
            try DNSMessage.decode(answer(type: 1, rdata: [1, 2, 3, 4, 5]))
        }
        #expect(throws: DNSMessageError.badRecordLength) {
            try DNSMessage.decode(answer(type: 28, rdata: [1, 2, 3, 4]))
        }
        // MX whose name runs past its RDATA (RDLENGTH 3, name needs more).
        #expect(throws: DNSMessageError.badRecordLength) {
            try DNSMessage.decode(answer(type: 15, rdata: [0, 10, 0, 99]))
        }
        #expect(throws: DNSMessageError.badRecordLength) {
            try DNSMessage.decode(
                M.message(
                    an: 1, body: [0] + M.u16(15) + M.u16(1) + [0, 0, 0, 0] + M.u16(3) + [0, 10, 2, 0x61, 0x62, 0]))
        }
        // TXT string longer than what is left of the RDATA.
        #expect(throws: DNSMessageError.badRecordLength) {
            try DNSMessage.decode(answer(type: 16, rdata: [5, 0x61, 0x62]))
        }
        // RDLENGTH past the end of the message.
        #expect(throws: DNSMessageError.truncated) {
            try DNSMessage.decode(
                M.message(an: 1, body: [0] + M.u16(1) + M.u16(1) + [0, 0, 0, 0] + M.u16(400) + [1, 2, 3, 4]))
        }
    }

    @Test func hostileLabelBytesAreEscapedNotSplit() throws {
        // A label "a.b" (one label holding a dot) and one with a NUL and a backslash.
        let body: [UInt8] = [3, 0x61, 0x2E, 0x62, 3, 0x00, 0x5C, 0x7A, 0, 0, 1, 0, 1]
        let message = try DNSMessage.decode(M.message(qd: 1, body: body))
        #expect(message.questions[0].name == "a\\046b.\\000\\092z")
    }
}
