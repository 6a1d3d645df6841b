/// The 12-byte header of a DNS message (RFC 1035 section 4.1.1).
///
/// ```
///  0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15
/// |                      ID                       |
/// |QR|   Opcode  |AA|TC|RD|RA|   Z    |   RCODE   |
/// |                    QDCOUNT                    |
/// |                    ANCOUNT                    |
/// |                    NSCOUNT                    |
/// |                    ARCOUNT                    |
/// ```
/// The counts are what the sender claims; the decoder never trusts them for allocation.
public struct DNSHeader: Hashable, Sendable {
    public var id: UInt16
    /// The raw flags word (QR, opcode, AA, TC, RD, RA, Z, RCODE).
    public var flags: UInt16
    public var questionCount: UInt16
    public var answerCount: UInt16
    public var authorityCount: UInt16
    public var additionalCount: UInt16

    public init(
        id: UInt16, flags: UInt16, questionCount: UInt16 = 0, answerCount: UInt16 = 0, authorityCount: UInt16 = 0,
        additionalCount: UInt16 = 0
    ) {
        self.id = id
        self.flags = flags
        self.questionCount = questionCount
        self.answerCount = answerCount
        self.authorityCount = authorityCount
        self.additionalCount = additionalCount
    }

    /// The flags of a standard query asking for recursion (RD).
    public static let recursiveQueryFlags: UInt16 = 0x0100

    /// QR: this message is a response.
    public var isResponse: Bool { self.flags & 0x8000 != 0 }
    /// The opcode (0 for a standard query).
    public var opcode: UInt8 { UInt8((self.flags >> 11) & 0x0F) }
    /// TC: the response was truncated to fit UDP; ask again over TCP.
    public var isTruncated: Bool { self.flags & 0x0200 != 0 }
    /// The response code.
    public var responseCode: DNSResponseCode { DNSResponseCode(rawValue: UInt8(self.flags & 0x000F)) }
}
