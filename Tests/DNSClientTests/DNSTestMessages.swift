@testable import DNSClient

/// Hand-built wire messages (compression pointers included) shared by the codec tests.
enum DNSTestMessages {
    /// Big-endian bytes of a 16-bit value.
    static func u16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }

    /// `example.com` in wire form.
    static let exampleCom: [UInt8] = [7] + Array("example".utf8) + [3] + Array("com".utf8) + [0]

    /// A reply to `example.com MX` (id 0xBEEF) with two MX records whose names use pointers:
    /// `10 mail.example.com` (pointer to the question name at offset 12) and
    /// `20 mx2.<pointer to "mail.example.com" inside the first record>`... plus a TXT record with
    /// two character-strings and an A record.
    static var mxReply: [UInt8] {
        var bytes: [UInt8] = u16(0xBEEF) + u16(0x8180) + u16(1) + u16(4) + u16(0) + u16(0)
        bytes += exampleCom + u16(15) + u16(1)  // question at 12
        // Answer 1: name = pointer to 12; MX 10 mail.<ptr 12>
        bytes += [0xC0, 12] + u16(15) + u16(1) + [0, 0, 0x0E, 0x10]
        let mx1: [UInt8] = u16(10) + [4] + Array("mail".utf8) + [0xC0, 12]
        bytes += u16(UInt16(mx1.count))
        let mailOffset = bytes.count + 2  // "mail" label starts after the preference
        bytes += mx1
        // Answer 2: MX 20 pointer to "mail.example.com".
        bytes += [0xC0, 12] + u16(15) + u16(1) + [0, 0, 0x0E, 0x10]
        let mx2: [UInt8] = u16(20) + [0xC0, UInt8(mailOffset)]
        bytes += u16(UInt16(mx2.count)) + mx2
        // Answer 3: TXT "blueprint-verify=" "abc"
        let txt: [UInt8] = [17] + Array("blueprint-verify=".utf8) + [3] + Array("abc".utf8)
        bytes += [0xC0, 12] + u16(16) + u16(1) + [0, 0, 0, 60] + u16(UInt16(txt.count)) + txt
        // Answer 4: A 192.0.2.1 for mail.example.com (pointer).
        bytes += [0xC0, UInt8(mailOffset)] + u16(1) + u16(1) + [0, 0, 0, 60] + u16(4) + [192, 0, 2, 1]
        return bytes
    }

    /// An NXDOMAIN reply to `nope.example.com A` (id 7) with the zone's SOA in the authority section.
    static var nxdomainReply: [UInt8] {
        var bytes: [UInt8] = u16(7) + u16(0x8183) + u16(1) + u16(0) + u16(1) + u16(0)
        bytes += [4] + Array("nope".utf8) + exampleCom + u16(1) + u16(1)
        // Authority: example.com (pointer to offset 17) SOA ns.<ptr> hostmaster.<ptr> ...
        var soa: [UInt8] = [2] + Array("ns".utf8) + [0xC0, 17]
        soa += [10] + Array("hostmaster".utf8) + [0xC0, 17]
        soa += [0, 0, 0, 1, 0, 0, 0x1C, 0x20, 0, 0, 0x0E, 0x10, 0, 0x09, 0x3A, 0x80, 0, 0, 0x01, 0x2C]
        bytes += [0xC0, 17] + u16(6) + u16(1) + [0, 0, 0x01, 0x2C] + u16(UInt16(soa.count)) + soa
        return bytes
    }

    /// A header followed by `body`, with the given counts.
    static func message(
        id: UInt16 = 1, flags: UInt16 = 0x8180, qd: UInt16 = 0, an: UInt16 = 0, ns: UInt16 = 0, ar: UInt16 = 0,
        body: [UInt8]
    ) -> [UInt8] {
        u16(id) + u16(flags) + u16(qd) + u16(an) + u16(ns) + u16(ar) + body
    }
}
