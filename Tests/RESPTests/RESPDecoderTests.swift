import NIOCore
import Testing

@testable import RESP

/// Decodes every value in `text`, whole and byte at a time, and checks both agree.
private func decodeAll(_ text: String, limits: RESPDecoder.Limits = .init()) throws -> [RESPValue] {
    let decoder = RESPDecoder(limits: limits)
    var whole = ByteBuffer(string: text)
    var values: [RESPValue] = []
    while let value = try decoder.decode(buffer: &whole) { values.append(value) }
    #expect(whole.readableBytes == 0, "bytes left over")

    var drip = ByteBuffer()
    var dripValues: [RESPValue] = []
    for byte in text.utf8 {
        drip.writeInteger(byte)
        while let value = try decoder.decode(buffer: &drip) { dripValues.append(value) }
    }
    #expect(dripValues.map(\.description) == values.map(\.description), "byte-at-a-time differs")
    return values
}

private func bulk(_ s: String) -> RESPValue { .bulkString(ByteBuffer(string: s)) }
private func simple(_ s: String) -> RESPValue { .simpleString(ByteBuffer(string: s)) }

@Suite("RESP decoder")
struct RESPDecoderTests {
    @Test func simpleStringErrorInteger() throws {
        let values = try decodeAll("+OK\r\n-ERR unknown command\r\n:42\r\n:-7\r\n:+3\r\n")
        #expect(values == [simple("OK"), .simpleError(ByteBuffer(string: "ERR unknown command")), .integer(42), .integer(-7), .integer(3)])
    }

    @Test func bulkStrings() throws {
        let values = try decodeAll("$5\r\nhello\r\n$0\r\n\r\n$4\r\na\r\nb\r\n")
        #expect(values == [bulk("hello"), bulk(""), bulk("a\r\nb")])
    }

    @Test func resp2Nulls() throws {
        #expect(try decodeAll("$-1\r\n*-1\r\n") == [.null, .null])
    }

    @Test func resp3Scalars() throws {
        let values = try decodeAll("_\r\n#t\r\n#f\r\n,3.25\r\n,inf\r\n,-inf\r\n,1e3\r\n(12345678901234567890123\r\n")
        #expect(values[0] == .null)
        #expect(values[1] == .boolean(true))
        #expect(values[2] == .boolean(false))
        #expect(values[3] == .double(3.25))
        #expect(values[4] == .double(.infinity))
        #expect(values[5] == .double(-.infinity))
        #expect(values[6] == .double(1000))
        #expect(values[7] == .bigNumber("12345678901234567890123"))
        let nan = try decodeAll(",nan\r\n")
        guard case .double(let d) = nan[0] else { Issue.record("not a double"); return }
        #expect(d.isNaN)
    }

    @Test func bulkErrorAndVerbatim() throws {
        let values = try decodeAll("!21\r\nSYNTAX invalid syntax\r\n=15\r\ntxt:Some string\r\n")
        #expect(values[0] == .bulkError(ByteBuffer(string: "SYNTAX invalid syntax")))
        #expect(values[0].errorMessage == "SYNTAX invalid syntax")
        #expect(values[1] == .verbatimString(format: "txt", ByteBuffer(string: "Some string")))
        #expect(values[1].string == "Some string")
    }

    @Test func aggregates() throws {
        let text = "*3\r\n:1\r\n$3\r\nfoo\r\n*1\r\n+x\r\n%2\r\n+a\r\n:1\r\n+b\r\n_\r\n~2\r\n:1\r\n:2\r\n>2\r\n+message\r\n$2\r\nhi\r\n*0\r\n"
        let values = try decodeAll(text)
        #expect(values[0] == .array([.integer(1), bulk("foo"), .array([simple("x")])]))
        #expect(values[1] == .map([RESPMapEntry(key: simple("a"), value: .integer(1)), RESPMapEntry(key: simple("b"), value: .null)]))
        #expect(values[2] == .set([.integer(1), .integer(2)]))
        #expect(values[3] == .push([simple("message"), bulk("hi")]))
        #expect(values[4] == .array([]))
        #expect(values[1].pairs?.count == 2)
    }

    @Test func attributeAnnotatesNextValue() throws {
        let values = try decodeAll("|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*2\r\n:2039123\r\n:9543892\r\n")
        #expect(values.count == 1)
        guard case .attribute(let attrs, let value) = values[0] else { Issue.record("no attribute"); return }
        #expect(attrs.count == 1)
        #expect(value == .array([.integer(2039123), .integer(9543892)]))
        #expect(values[0].array?.count == 2)
    }

    @Test func incompleteInputConsumesNothing() throws {
        let decoder = RESPDecoder()
        for partial in ["", "+OK", "+OK\r", "$5\r\nhel", "$5\r\nhello\r", "*2\r\n:1\r\n", "%1\r\n+a\r\n", "|1\r\n+a\r\n+b\r\n"] {
            var buffer = ByteBuffer(string: partial)
            #expect(try decoder.decode(buffer: &buffer) == nil)
            #expect(buffer.readableBytes == partial.utf8.count)
        }
    }

    @Test(arguments: [
        "?what\r\n", ":12a\r\n", ":\r\n", ":99999999999999999999999\r\n", "$-2\r\n", "$abc\r\n",
        "$3\r\nabcXY", "+OK\rX", "#x\r\n", "#tt\r\n", ",1.2.3x\r\n", ",abc\r\n", "*-5\r\n", "=3\r\nabc\r\n",
        "(12a\r\n", "_x\r\n", "\u{0}\u{1}\u{2}",
    ])
    func malformedInputThrows(_ text: String) {
        let decoder = RESPDecoder()
        var buffer = ByteBuffer(string: text)
        #expect(throws: RESPDecodingError.self) { _ = try decoder.decode(buffer: &buffer) }
    }

    @Test func bulkLengthCapRefusesBeforeBuffering() {
        let decoder = RESPDecoder(limits: .init(maximumBulkLength: 1024))
        var buffer = ByteBuffer(string: "$1000000000\r\n")
        #expect(throws: RESPDecodingError.bulkTooLarge(1_000_000_000, limit: 1024)) {
            _ = try decoder.decode(buffer: &buffer)
        }
    }

    @Test func depthCapStopsDeepNesting() {
        let decoder = RESPDecoder(limits: .init(maximumDepth: 8))
        var buffer = ByteBuffer(string: String(repeating: "*1\r\n", count: 100_000) + ":1\r\n")
        #expect(throws: RESPDecodingError.tooDeep(limit: 8)) { _ = try decoder.decode(buffer: &buffer) }
        var ok = ByteBuffer(string: String(repeating: "*1\r\n", count: 8) + ":1\r\n")
        #expect(throws: Never.self) { _ = try decoder.decode(buffer: &ok) }
    }

    @Test func hugeAggregateCountDoesNotReserveMemory() throws {
        let decoder = RESPDecoder()
        // Claims 16M elements: accepted as a header, but nothing is reserved for absent bytes.
        var buffer = ByteBuffer(string: "*16000000\r\n:1\r\n")
        #expect(try decoder.decode(buffer: &buffer) == nil)
        var over = ByteBuffer(string: "*99999999999\r\n")
        #expect(throws: RESPDecodingError.self) { _ = try decoder.decode(buffer: &over) }
        var mapOverflow = ByteBuffer(string: "%9223372036854775807\r\n")
        #expect(throws: RESPDecodingError.self) { _ = try decoder.decode(buffer: &mapOverflow) }
    }

    @Test func endlessLineIsRefused() {
        let decoder = RESPDecoder(limits: .init(maximumLineLength: 100))
        var buffer = ByteBuffer(string: "+" + String(repeating: "a", count: 200))
        #expect(throws: RESPDecodingError.lineTooLong) { _ = try decoder.decode(buffer: &buffer) }
        var header = ByteBuffer(string: "$" + String(repeating: "1", count: 200))
        #expect(throws: RESPDecodingError.lineTooLong) { _ = try decoder.decode(buffer: &header) }
    }

    @Test func randomGarbageNeverTraps() {
        var generator = SystemRandomNumberGenerator()
        let decoder = RESPDecoder(limits: .init(maximumBulkLength: 4096, maximumLineLength: 256, maximumDepth: 8))
        let alphabet = Array("+-:$*_#,(!=%~>|\r\n0123456789-tfabc".utf8)
        for _ in 0..<5_000 {
            let length = Int.random(in: 0..<64, using: &generator)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            var buffer = ByteBuffer(bytes: bytes)
            do {
                while try decoder.decode(buffer: &buffer) != nil {}
            } catch {
                // A clear error is the expected outcome for most garbage.
            }
        }
    }
}

@Suite("RESP command encoder")
struct RESPCommandTests {
    @Test func encodesArrayOfBulkStrings() {
        var command = RESPCommand("SET")
        command.append("key")
        command.append("välue")
        command.append(42)
        var buffer = ByteBuffer()
        command.encode(into: &buffer)
        #expect(String(buffer: buffer) == "*4\r\n$3\r\nSET\r\n$3\r\nkey\r\n$6\r\nvälue\r\n$2\r\n42\r\n")
        #expect(command.name == "SET")
    }

    @Test func encodesBinaryAndEmptyArguments() throws {
        var command = RESPCommand("XADD", ["q", "*"])
        command.append(bytes: [0, 13, 10, 255])
        command.append("")
        var buffer = ByteBuffer()
        command.encode(into: &buffer)
        // The encoding is itself valid RESP: decode it back.
        let value = try RESPDecoder().decode(buffer: &buffer)
        #expect(value?.array?.count == 5)
        #expect(value?.array?[3].bytes == ByteBuffer(bytes: [0, 13, 10, 255]))
        #expect(value?.array?[4].bytes == ByteBuffer())
    }
}
