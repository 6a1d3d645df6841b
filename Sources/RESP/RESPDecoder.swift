import NIOCore

/// An incremental decoder of RESP2 and RESP3 values.
///
/// ``decode(buffer:)`` returns a value once all its bytes are there and `nil` (consuming nothing)
/// while the value is incomplete, so it can be fed a byte at a time. Hostile input is bounded:
///
/// - bulk payloads (`$`, `!`, `=`) above ``Limits/maximumBulkLength`` are refused before buffering;
/// - header lines above ``Limits/maximumLineLength`` without CRLF are refused;
/// - aggregates nested deeper than ``Limits/maximumDepth`` are refused (no unbounded recursion);
/// - aggregates above ``Limits/maximumAggregateCount`` elements are refused, and capacity is
///   reserved only for elements whose bytes have arrived.
public struct RESPDecoder: Sendable {
    /// Bounds that keep a hostile peer from exhausting memory or the stack.
    public struct Limits: Sendable, Hashable {
        /// Largest bulk payload accepted, in bytes. Redis' own `proto-max-bulk-len` is 512 MiB.
        public var maximumBulkLength: Int
        /// Largest header or simple-string line, in bytes.
        public var maximumLineLength: Int
        /// Deepest nesting of aggregates.
        public var maximumDepth: Int
        /// Most elements in one aggregate.
        public var maximumAggregateCount: Int

        public init(
            maximumBulkLength: Int = 512 * 1024 * 1024,
            maximumLineLength: Int = 64 * 1024,
            maximumDepth: Int = 32,
            maximumAggregateCount: Int = 16 * 1024 * 1024
        ) {
            self.maximumBulkLength = maximumBulkLength
            self.maximumLineLength = maximumLineLength
            self.maximumDepth = maximumDepth
            self.maximumAggregateCount = maximumAggregateCount
        }
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Decodes one value from the front of `buffer`.
    ///
    /// - Returns: the value, with its bytes consumed; or `nil` with nothing consumed if more bytes are needed.
    /// - Throws: ``RESPDecodingError`` on malformed or over-limit input.
    public func decode(buffer: inout ByteBuffer) throws(RESPDecodingError) -> RESPValue? {
        var copy = buffer
        guard let value = try self.parse(&copy, depth: 0) else { return nil }
        buffer = copy
        return value
    }

    // MARK: - Parsing

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    private func parse(_ buffer: inout ByteBuffer, depth: Int) throws(RESPDecodingError) -> RESPValue? {
        guard let type = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return nil }
        switch type {
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "$"), UInt8(ascii: "*"),
            UInt8(ascii: "_"), UInt8(ascii: "#"), UInt8(ascii: ","), UInt8(ascii: "("), UInt8(ascii: "!"),
            UInt8(ascii: "="), UInt8(ascii: "%"), UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "|"):
            break
        default:
            throw .unknownType(type)
        }
        guard let line = try self.readLine(&buffer, skipping: 1) else { return nil }

        switch type {
        case UInt8(ascii: "+"):
            return .simpleString(line)
        case UInt8(ascii: "-"):
            return .simpleError(line)
        case UInt8(ascii: ":"):
            return .integer(try Self.parseInteger(line))
        case UInt8(ascii: "_"):
            guard line.readableBytes == 0 else { throw .badLength }
            return .null
        case UInt8(ascii: "#"):
            switch line.readableBytesView.first {
            case UInt8(ascii: "t") where line.readableBytes == 1: return .boolean(true)
            case UInt8(ascii: "f") where line.readableBytes == 1: return .boolean(false)
            default: throw .badBoolean
            }
        case UInt8(ascii: ","):
            return .double(try Self.parseDouble(line))
        case UInt8(ascii: "("):
            let text = String(buffer: line)
            var digits = Substring(text)
            if digits.first == "-" || digits.first == "+" { digits = digits.dropFirst() }
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw .badInteger }
            return .bigNumber(text)
        case UInt8(ascii: "$"), UInt8(ascii: "!"), UInt8(ascii: "="):
            let length = try Self.parseInteger(line)
            if length == -1 && type == UInt8(ascii: "$") { return .null }  // RESP2 null bulk string
            guard length >= 0 else { throw .badLength }
            guard length <= self.limits.maximumBulkLength else {
                throw .bulkTooLarge(Int(clamping: length), limit: self.limits.maximumBulkLength)
            }
            let count = Int(length)
            guard buffer.readableBytes >= count + 2 else { return nil }
            let payload = buffer.readSlice(length: count)!
            guard buffer.readInteger(as: UInt8.self) == Self.cr, buffer.readInteger(as: UInt8.self) == Self.lf else {
                throw .missingCRLF
            }
            switch type {
            case UInt8(ascii: "$"):
                return .bulkString(payload)
            case UInt8(ascii: "!"):
                return .bulkError(payload)
            default:
                var text = payload
                guard text.readableBytes >= 4, text.getInteger(at: text.readerIndex + 3, as: UInt8.self) == UInt8(ascii: ":"),
                    let format = text.readString(length: 3)
                else { throw .badVerbatim }
                text.moveReaderIndex(forwardBy: 1)
                return .verbatimString(format: format, text)
            }
        default:  // aggregates: * % ~ > |
            let length = try Self.parseInteger(line)
            if length == -1 && type == UInt8(ascii: "*") { return .null }  // RESP2 null array
            guard length >= 0 else { throw .badLength }
            guard depth < self.limits.maximumDepth else { throw .tooDeep(limit: self.limits.maximumDepth) }
            let isPaired = type == UInt8(ascii: "%") || type == UInt8(ascii: "|")
            let (elements, overflow) = length.multipliedReportingOverflow(by: isPaired ? 2 : 1)
            guard !overflow, elements <= self.limits.maximumAggregateCount else {
                throw .aggregateTooLarge(Int(clamping: length), limit: self.limits.maximumAggregateCount)
            }
            let count = Int(elements)
            // Every element takes at least 3 bytes ("_\r\n"): never reserve for bytes not yet received.
            var values: [RESPValue] = []
            values.reserveCapacity(min(count, buffer.readableBytes / 3))
            for _ in 0..<count {
                guard let element = try self.parse(&buffer, depth: depth + 1) else { return nil }
                values.append(element)
            }
            switch type {
            case UInt8(ascii: "*"):
                return .array(values)
            case UInt8(ascii: "~"):
                return .set(values)
            case UInt8(ascii: ">"):
                return .push(values)
            case UInt8(ascii: "%"):
                return .map(Self.pairs(values))
            default:  // "|": the attribute annotates the next value.
                guard let annotated = try self.parse(&buffer, depth: depth + 1) else { return nil }
                return .attribute(Self.pairs(values), value: annotated)
            }
        }
    }

    private static func pairs(_ values: [RESPValue]) -> [RESPMapEntry] {
        var out: [RESPMapEntry] = []
        out.reserveCapacity(values.count / 2)
        var i = 0
        while i + 1 < values.count {
            out.append(RESPMapEntry(key: values[i], value: values[i + 1]))
            i += 2
        }
        return out
    }

    /// Reads up to the next CRLF, after skipping `skipping` bytes; `nil` if the CRLF has not arrived.
    private func readLine(_ buffer: inout ByteBuffer, skipping: Int) throws(RESPDecodingError) -> ByteBuffer? {
        let view = buffer.readableBytesView
        let start = view.startIndex + skipping
        let searchEnd = min(view.endIndex, start + self.limits.maximumLineLength + 1)
        guard let crIndex = view[start..<searchEnd].firstIndex(of: Self.cr) else {
            if view.endIndex - start > self.limits.maximumLineLength { throw .lineTooLong }
            return nil
        }
        guard crIndex + 1 < view.endIndex else { return nil }
        guard view[crIndex + 1] == Self.lf else { throw .missingCRLF }
        let lineLength = crIndex - start
        buffer.moveReaderIndex(forwardBy: skipping)
        let line = buffer.readSlice(length: lineLength)!
        buffer.moveReaderIndex(forwardBy: 2)
        return line
    }

    private static func parseInteger(_ line: ByteBuffer) throws(RESPDecodingError) -> Int64 {
        let bytes = line.readableBytesView
        guard !bytes.isEmpty, bytes.count <= 20 else { throw .badInteger }
        var index = bytes.startIndex
        var negative = false
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
            guard index < bytes.endIndex else { throw .badInteger }
        }
        var value: Int64 = 0
        while index < bytes.endIndex {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { throw .badInteger }
            let digit = Int64(byte - UInt8(ascii: "0"))
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
            guard !o1, !o2 else { throw .badInteger }
            value = next
            index += 1
        }
        return value
    }

    private static func parseDouble(_ line: ByteBuffer) throws(RESPDecodingError) -> Double {
        let text = String(buffer: line)
        switch text {
        case "inf", "+inf": return .infinity
        case "-inf": return -.infinity
        case "nan", "-nan": return .nan
        default:
            guard text.utf8.count <= 64,
                text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 45 || $0 == 43 || $0 == 101 || $0 == 69 }),
                let value = Double(text)
            else { throw .badDouble }
            return value
        }
    }
}
