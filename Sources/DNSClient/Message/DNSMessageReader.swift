/// A cursor over the bytes of a received message: bounds-checked reads and name decompression.
///
/// Every read checks the remaining length first; nothing is allocated from a count or length the
/// peer sent without the bytes being there.
struct DNSMessageReader {
    /// Most compression pointers followed in one name. Pointers must also point strictly
    /// backwards, which alone rules out loops; the cap bounds the work on hostile input.
    static let maximumPointers = 64

    let bytes: [UInt8]
    private(set) var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { self.bytes.count - self.offset }

    mutating func readUInt8() throws(DNSMessageError) -> UInt8 {
        guard self.remaining >= 1 else { throw .truncated }
        defer { self.offset += 1 }
        return self.bytes[self.offset]
    }

    mutating func readUInt16() throws(DNSMessageError) -> UInt16 {
        guard self.remaining >= 2 else { throw .truncated }
        defer { self.offset += 2 }
        return UInt16(self.bytes[self.offset]) << 8 | UInt16(self.bytes[self.offset + 1])
    }

    mutating func readUInt32() throws(DNSMessageError) -> UInt32 {
        let high = try self.readUInt16()
        let low = try self.readUInt16()
        return UInt32(high) << 16 | UInt32(low)
    }

    mutating func readBytes(_ count: Int) throws(DNSMessageError) -> ArraySlice<UInt8> {
        guard count >= 0, self.remaining >= count else { throw .truncated }
        defer { self.offset += count }
        return self.bytes[self.offset..<(self.offset + count)]
    }

    mutating func skip(_ count: Int) throws(DNSMessageError) {
        _ = try self.readBytes(count)
    }

    /// Reads a possibly compressed name; the cursor ends after its inline part (at most the first pointer).
    mutating func readName() throws(DNSMessageError) -> String {
        var labels: [String] = []
        var wireLength = 1  // the final zero
        var position = self.offset
        // Where the cursor continues: after the first pointer, or after the terminating zero.
        var resumeAt: Int?
        // A pointer must point before the start of the label sequence it was found in.
        var sequenceStart = position
        var pointers = 0
        while true {
            guard position < self.bytes.count else { throw .truncated }
            let length = self.bytes[position]
            switch length & 0xC0 {
            case 0x00:
                if length == 0 {
                    self.offset = resumeAt ?? position + 1
                    return labels.joined(separator: ".")
                }
                let start = position + 1
                let end = start + Int(length)
                guard end <= self.bytes.count else { throw .truncated }
                wireLength += Int(length) + 1
                guard wireLength <= DNSName.maximumWireLength else { throw .nameTooLong }
                labels.append(DNSName.text(ofLabel: self.bytes[start..<end]))
                position = end
            case 0xC0:
                guard position + 1 < self.bytes.count else { throw .truncated }
                let target = Int(length & 0x3F) << 8 | Int(self.bytes[position + 1])
                guard target < self.bytes.count else { throw .pointerOutOfRange }
                guard target < sequenceStart else { throw .pointerLoop }
                pointers += 1
                guard pointers <= Self.maximumPointers else { throw .pointerLoop }
                if resumeAt == nil { resumeAt = position + 2 }
                position = target
                sequenceStart = target
            default:
                throw .reservedLabelType
            }
        }
    }
}
