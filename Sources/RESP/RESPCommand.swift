import NIOCore

/// A Redis command: an array of bulk strings, encoded as its arguments are appended.
///
/// Arguments are written straight into one `ByteBuffer` (`$<len>\r\n<bytes>\r\n` each); the array
/// header is written in front when the command goes to the wire (``encode(into:)``).
public struct RESPCommand: Sendable, Hashable {
    /// The encoded arguments, without the `*<count>` header.
    public private(set) var encodedArguments: ByteBuffer
    /// Number of arguments (the command name included).
    public private(set) var count: Int
    /// Name of the command (first argument), uppercased, for errors and metrics.
    public let name: String

    /// A command with its name as the first argument.
    public init(_ name: String, capacity: Int = 64) {
        self.encodedArguments = ByteBufferAllocator().buffer(capacity: capacity)
        self.count = 0
        // Command names are nearly always upper-case ASCII already; skip the String copy then.
        let isUpperASCII = name.utf8.allSatisfy { $0 < 0x80 && !($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) }
        self.name = isUpperASCII ? name : name.uppercased()
        self.append(name)
    }

    /// A command from its name and string arguments.
    public init(_ name: String, _ arguments: [String]) {
        self.init(name, capacity: 16 + arguments.reduce(0) { $0 + $1.utf8.count + 16 })
        for argument in arguments { self.append(argument) }
    }

    /// Appends a UTF-8 argument.
    public mutating func append(_ argument: String) {
        var argument = argument
        argument.withUTF8 { self.append(raw: UnsafeRawBufferPointer($0)) }
    }

    /// Appends a binary argument.
    public mutating func append(_ argument: ByteBuffer) {
        argument.withUnsafeReadableBytes { self.append(raw: $0) }
    }

    /// Appends a binary argument.
    public mutating func append(bytes: some Collection<UInt8>) {
        let appended: Void? = bytes.withContiguousStorageIfAvailable { self.append(raw: UnsafeRawBufferPointer($0)) }
        if appended == nil {
            Array(bytes).withUnsafeBytes { self.append(raw: $0) }
        }
    }

    /// Appends an integer argument in decimal.
    public mutating func append(_ argument: Int) {
        self.append(String(argument))
    }

    /// Appends several UTF-8 arguments.
    public mutating func append(contentsOf arguments: some Sequence<String>) {
        for argument in arguments { self.append(argument) }
    }

    /// Writes `$<length>\r\n<bytes>\r\n` with one capacity check (the hot path of every command).
    private mutating func append(raw bytes: UnsafeRawBufferPointer) {
        let length = bytes.count
        self.encodedArguments.writeWithUnsafeMutableBytes(minimumWritableBytes: length + Self.maximumHeaderLength) {
            out in
            var index = Self.writeHeader(UInt8(ascii: "$"), length, into: out)
            if length > 0 {
                UnsafeMutableRawBufferPointer(rebasing: out[index..<(index + length)]).copyMemory(from: bytes)
                index += length
            }
            out[index] = UInt8(ascii: "\r")
            out[index + 1] = UInt8(ascii: "\n")
            return index + 2
        }
        self.count += 1
    }

    /// `<type><decimal>\r\n` takes at most 1 + 20 + 2 bytes; with the trailing CRLF of a payload, 25.
    private static let maximumHeaderLength = 25

    /// Writes `<type><decimal value>\r\n` at the start of `out`; returns the bytes written.
    private static func writeHeader(_ type: UInt8, _ value: Int, into out: UnsafeMutableRawBufferPointer) -> Int {
        out[0] = type
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        var remaining = value
        for position in stride(from: digits, through: 1, by: -1) {
            out[position] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
        }
        out[digits + 1] = UInt8(ascii: "\r")
        out[digits + 2] = UInt8(ascii: "\n")
        return digits + 3
    }

    /// Writes `*<count>\r\n` and the arguments into `buffer`.
    public func encode(into buffer: inout ByteBuffer) {
        let count = self.count
        buffer.reserveCapacity(minimumWritableBytes: Self.maximumHeaderLength + self.encodedArguments.readableBytes)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.maximumHeaderLength) { out in
            Self.writeHeader(UInt8(ascii: "*"), count, into: out)
        }
        buffer.writeImmutableBuffer(self.encodedArguments)
    }
}
