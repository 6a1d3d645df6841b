/// Why bytes are not a valid DNS message, or why a name cannot be put in one.
///
/// A struct with a private code: match it with `==` against the static values.
public struct DNSMessageError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case truncated, pointerLoop, pointerOutOfRange, reservedLabelType, labelTooLong, nameTooLong
        case emptyLabel, invalidCharacter, badRecordLength
    }

    private let code: Code
    /// Safe for logs and metric labels: it never holds the message bytes.
    public let shortDescription: String

    private init(_ code: Code, _ shortDescription: String) {
        self.code = code
        self.shortDescription = shortDescription
    }

    /// The message ends inside a header, name, question or record (or a count claims more than there is).
    public static let truncated = DNSMessageError(.truncated, "message truncated")
    /// A compression pointer does not point strictly backwards, or too many pointers are chained.
    public static let pointerLoop = DNSMessageError(.pointerLoop, "compression pointer loop")
    /// A compression pointer points past the end of the message.
    public static let pointerOutOfRange = DNSMessageError(.pointerOutOfRange, "compression pointer out of range")
    /// A label length byte starts with the reserved bits `01` or `10`.
    public static let reservedLabelType = DNSMessageError(.reservedLabelType, "reserved label type")
    /// A label is longer than 63 bytes.
    public static let labelTooLong = DNSMessageError(.labelTooLong, "label longer than 63 bytes")
    /// A name is longer than 255 bytes in wire form.
    public static let nameTooLong = DNSMessageError(.nameTooLong, "name longer than 255 bytes")
    /// A name to encode has an empty label (`a..b`, a leading dot).
    public static let emptyLabel = DNSMessageError(.emptyLabel, "empty label")
    /// A name to encode holds something other than printable ASCII (encode IDNs with punycode first).
    public static let invalidCharacter = DNSMessageError(.invalidCharacter, "name is not printable ASCII")
    /// An RDATA length does not match its type (A not 4 bytes, a name running past the RDATA...).
    public static let badRecordLength = DNSMessageError(.badRecordLength, "record data length does not match its type")

    public var description: String { self.shortDescription }
}
