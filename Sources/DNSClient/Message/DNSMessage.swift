/// A DNS message (RFC 1035 section 4): header, questions and the three record sections.
///
/// Pure value code: ``decode(_:)`` parses received bytes (compression pointers included, with
/// every length and count checked against the bytes actually there), ``encode()`` writes a message
/// without compression (queries, and responses for tests).
public struct DNSMessage: Hashable, Sendable {
    public var header: DNSHeader
    public var questions: [DNSQuestion]
    public var answers: [DNSRecord]
    public var authorities: [DNSRecord]
    public var additionals: [DNSRecord]

    public init(
        header: DNSHeader, questions: [DNSQuestion] = [], answers: [DNSRecord] = [], authorities: [DNSRecord] = [],
        additionals: [DNSRecord] = []
    ) {
        self.header = header
        self.questions = questions
        self.answers = answers
        self.authorities = authorities
        self.additionals = additionals
    }

    /// A standard recursive query for one question.
    public static func query(id: UInt16, question: DNSQuestion) -> DNSMessage {
        DNSMessage(header: DNSHeader(id: id, flags: DNSHeader.recursiveQueryFlags), questions: [question])
    }

    /// Largest message over UDP without EDNS (RFC 1035 section 4.2.1); larger answers come truncated (TC).
    public static let maximumUDPSize = 512
}

extension DNSMessage {
    /// Parses a whole message. Throws ``DNSMessageError`` for anything malformed; never traps.
    public static func decode(_ bytes: [UInt8]) throws(DNSMessageError) -> DNSMessage {
        var reader = DNSMessageReader(bytes)
        let header = try Self.decodeHeader(&reader)
        // Counts are claims: each item is read only when its bytes are there, so a count of 65535
        // over a short message fails on the first missing byte instead of allocating.
        var questions: [DNSQuestion] = []
        for _ in 0..<header.questionCount {
            let name = try reader.readName()
            let type = try reader.readUInt16()
            let recordClass = try reader.readUInt16()
            questions.append(DNSQuestion(name: name, type: DNSRecordType(rawValue: type), recordClass: recordClass))
        }
        let answers = try Self.decodeRecords(count: header.answerCount, &reader)
        let authorities = try Self.decodeRecords(count: header.authorityCount, &reader)
        let additionals = try Self.decodeRecords(count: header.additionalCount, &reader)
        return DNSMessage(
            header: header, questions: questions, answers: answers, authorities: authorities, additionals: additionals)
    }

    /// Parses only the header (enough to see the ID and the TC bit of a truncated reply).
    public static func decodeHeader(_ bytes: [UInt8]) throws(DNSMessageError) -> DNSHeader {
        var reader = DNSMessageReader(bytes)
        return try Self.decodeHeader(&reader)
    }

    private static func decodeHeader(_ reader: inout DNSMessageReader) throws(DNSMessageError) -> DNSHeader {
        DNSHeader(
            id: try reader.readUInt16(), flags: try reader.readUInt16(), questionCount: try reader.readUInt16(),
            answerCount: try reader.readUInt16(), authorityCount: try reader.readUInt16(),
            additionalCount: try reader.readUInt16()
        )
    }

    private static func decodeRecords(count: UInt16, _ reader: inout DNSMessageReader) throws(DNSMessageError)
        -> [DNSRecord]
    {
        var records: [DNSRecord] = []
        for _ in 0..<count {
            records.append(try Self.decodeRecord(&reader))
        }
        return records
    }

    private static func decodeRecord(_ reader: inout DNSMessageReader) throws(DNSMessageError) -> DNSRecord {
        let name = try reader.readName()
        let type = DNSRecordType(rawValue: try reader.readUInt16())
        let recordClass = try reader.readUInt16()
        let ttl = try reader.readUInt32()
        let length = Int(try reader.readUInt16())
        let start = reader.offset
        let rdata = try reader.readBytes(length)
        let end = start + length
        let data: DNSRecordData
        switch type {
        case .a:
            guard length == 4 else { throw .badRecordLength }
            data = .a(IPv4: Array(rdata))
        case .aaaa:
            guard length == 16 else { throw .badRecordLength }
            data = .aaaa(IPv6: Array(rdata))
        case .mx:
            var inner = DNSMessageReader(reader.bytes, offset: start)
            let preference = try inner.readUInt16()
            let exchange = try inner.readName()
            guard inner.offset == end else { throw .badRecordLength }
            data = .mx(preference: preference, exchange: exchange)
        case .cname:
            var inner = DNSMessageReader(reader.bytes, offset: start)
            let target = try inner.readName()
            guard inner.offset == end else { throw .badRecordLength }
            data = .cname(target)
        case .soa:
            var inner = DNSMessageReader(reader.bytes, offset: start)
            let soa = DNSStartOfAuthority(
                primaryServer: try inner.readName(), responsibleMailbox: try inner.readName(),
                serial: try inner.readUInt32(),
                refresh: try inner.readUInt32(), retry: try inner.readUInt32(), expire: try inner.readUInt32(),
                minimum: try inner.readUInt32()
            )
            guard inner.offset == end else { throw .badRecordLength }
            data = .soa(soa)
        case .txt:
            var inner = DNSMessageReader(Array(rdata))
            var strings: [String] = []
            while inner.remaining > 0 {
                let stringLength = Int(try inner.readUInt8())
                guard inner.remaining >= stringLength else { throw .badRecordLength }
                strings.append(String(decoding: try inner.readBytes(stringLength), as: UTF8.self))
            }
            data = .txt(strings)
        default:
            data = .other(Array(rdata))
        }
        return DNSRecord(name: name, type: type, recordClass: recordClass, ttl: ttl, data: data)
    }
}

extension DNSMessage {
    /// The message in wire form, without name compression.
    ///
    /// Throws for names that cannot be encoded and for TXT strings over 255 bytes.
    public func encode() throws(DNSMessageError) -> [UInt8] {
        var bytes: [UInt8] = []
        func append16(_ value: UInt16) { bytes.append(UInt8(value >> 8)); bytes.append(UInt8(value & 0xFF)) }
        func append32(_ value: UInt32) { append16(UInt16(value >> 16)); append16(UInt16(value & 0xFFFF)) }
        append16(self.header.id)
        append16(self.header.flags)
        append16(UInt16(clamping: self.questions.count))
        append16(UInt16(clamping: self.answers.count))
        append16(UInt16(clamping: self.authorities.count))
        append16(UInt16(clamping: self.additionals.count))
        for question in self.questions {
            try DNSName.encode(question.name, into: &bytes)
            append16(question.type.rawValue)
            append16(question.recordClass)
        }
        for record in self.answers + self.authorities + self.additionals {
            try DNSName.encode(record.name, into: &bytes)
            append16(record.type.rawValue)
            append16(record.recordClass)
            append32(record.ttl)
            var rdata: [UInt8] = []
            switch record.data {
            case .a(let address), .aaaa(let address), .other(let address):
                rdata = address
            case .mx(let preference, let exchange):
                rdata = [UInt8(preference >> 8), UInt8(preference & 0xFF)]
                try DNSName.encode(exchange, into: &rdata)
            case .cname(let target):
                try DNSName.encode(target, into: &rdata)
            case .soa(let soa):
                try DNSName.encode(soa.primaryServer, into: &rdata)
                try DNSName.encode(soa.responsibleMailbox, into: &rdata)
                for value in [soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum] {
                    rdata += [
                        UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF),
                        UInt8(value & 0xFF),
                    ]
                }
            case .txt(let strings):
                for string in strings {
                    let utf8 = Array(string.utf8)
                    guard utf8.count <= 255 else { throw .badRecordLength }
                    rdata.append(UInt8(utf8.count))
                    rdata += utf8
                }
            }
            guard rdata.count <= Int(UInt16.max) else { throw .badRecordLength }
            append16(UInt16(rdata.count))
            bytes += rdata
        }
        return bytes
    }
}
