import NIOCore
import Testing

@testable import RESP

/// The encoder's fast paths (one capacity check per argument, hand-written decimal headers).
@Suite("RESP command encoder: headers and argument kinds")
struct RESPCommandEncodingTests {
    @Test(arguments: [0, 1, 9, 10, 99, 100, 999, 1000, 65_535, 100_000])
    func lengthHeadersAtEveryDigitCount(length: Int) throws {
        var command = RESPCommand("SET")
        command.append(String(repeating: "x", count: length))
        var buffer = ByteBuffer()
        command.encode(into: &buffer)
        let expected = "*2\r\n$3\r\nSET\r\n$\(length)\r\n" + String(repeating: "x", count: length) + "\r\n"
        #expect(String(buffer: buffer) == expected)
    }

    @Test func argumentCountsWithSeveralDigits() throws {
        var command = RESPCommand("RPUSH")
        command.append(contentsOf: (0..<120).map(String.init))
        var buffer = ByteBuffer()
        command.encode(into: &buffer)
        #expect(String(buffer: buffer).hasPrefix("*121\r\n$5\r\nRPUSH\r\n$1\r\n0\r\n"))
        let value = try RESPDecoder().decode(buffer: &buffer)
        #expect(value?.array?.count == 121)
        #expect(value?.array?.last?.string == "119")
        #expect(buffer.readableBytes == 0)
    }

    @Test func everyKindOfArgumentEncodesTheSameBytes() throws {
        let payload: [UInt8] = [0, 13, 10, 36, 42, 255]
        var fromString = RESPCommand("ECHO")
        fromString.append(String(decoding: [104, 105], as: UTF8.self))
        var fromBuffer = RESPCommand("ECHO")
        fromBuffer.append(ByteBuffer(bytes: [104, 105]))
        var fromContiguous = RESPCommand("ECHO")
        fromContiguous.append(bytes: [UInt8(104), 105])
        var fromLazy = RESPCommand("ECHO")
        fromLazy.append(bytes: (UInt8(104)...UInt8(105)))  // a collection without contiguous storage
        #expect(fromString == fromBuffer)
        #expect(fromString == fromContiguous)
        #expect(fromString == fromLazy)

        var binary = RESPCommand("ECHO")
        var slice = ByteBuffer(bytes: [9, 9] + payload)
        slice.moveReaderIndex(forwardBy: 2)  // only the readable bytes count
        binary.append(slice)
        binary.append(bytes: payload.lazy.map { $0 })
        var buffer = ByteBuffer()
        binary.encode(into: &buffer)
        let value = try RESPDecoder().decode(buffer: &buffer)
        #expect(value?.array?[1].bytes == ByteBuffer(bytes: payload))
        #expect(value?.array?[2].bytes == ByteBuffer(bytes: payload))
    }

    @Test func encodeAppendsAfterWhatTheBufferHolds() {
        var first = RESPCommand("PING")
        var second = RESPCommand("ECHO")
        second.append("a")
        var buffer = ByteBuffer(string: "prefix")
        first.encode(into: &buffer)
        second.encode(into: &buffer)
        #expect(String(buffer: buffer) == "prefix*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$1\r\na\r\n")
        first.append("again")  // a command stays a value: encoding did not consume it
        #expect(first.count == 2)
    }

    @Test func nameIsUpperCasedOnlyWhenNeeded() {
        #expect(RESPCommand("xadd").name == "XADD")
        #expect(RESPCommand("XAdd").name == "XADD")
        #expect(RESPCommand("XADD").name == "XADD")
        #expect(RESPCommand("CLIENT-ß").name == "CLIENT-SS")
        var buffer = ByteBuffer()
        RESPCommand("get").encode(into: &buffer)
        #expect(String(buffer: buffer) == "*1\r\n$3\r\nget\r\n")  // the wire keeps what was given
    }
}
