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
        self.name = name.uppercased()
        self.append(name)
    }

    /// A command from its name and string arguments.
    public init(_ name: String, _ arguments: [String]) {
        self.init(name, capacity: 16 + arguments.reduce(0) { $0 + $1.utf8.count + 16 })
        for argument in arguments { self.append(argument) }
    }

    /// Appends a UTF-8 argument.
    public mutating func append(_ argument: String) {
        self.appendHeader(argument.utf8.count)
        self.encodedArguments.writeString(argument)
        self.encodedArguments.writeStaticString("\r\n")
        self.count += 1
    }

    /// Appends a binary argument.
    public mutating func append(_ argument: ByteBuffer) {
        self.appendHeader(argument.readableBytes)
        var copy = argument
        self.encodedArguments.writeBuffer(&copy)
        self.encodedArguments.writeStaticString("\r\n")
        self.count += 1
    }

    /// Appends a binary argument.
    public mutating func append(bytes: some Collection<UInt8>) {
        self.appendHeader(bytes.count)
        self.encodedArguments.writeBytes(bytes)
        self.encodedArguments.writeStaticString("\r\n")
        self.count += 1
    }

    /// Appends an integer argument in decimal.
    public mutating func append(_ argument: Int) {
        self.append(String(argument))
    }

    /// Appends several UTF-8 arguments.
    public mutating func append(contentsOf arguments: some Sequence<String>) {
        for argument in arguments { self.append(argument) }
    }

    private mutating func appendHeader(_ length: Int) {
        self.encodedArguments.writeStaticString("$")
        self.encodedArguments.writeString(String(length))
        self.encodedArguments.writeStaticString("\r\n")
    }

    /// Writes `*<count>\r\n` and the arguments into `buffer`.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeStaticString("*")
        buffer.writeString(String(self.count))
        buffer.writeStaticString("\r\n")
        buffer.writeImmutableBuffer(self.encodedArguments)
    }
}
