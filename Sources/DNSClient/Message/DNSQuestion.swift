/// A question: a name, a type and a class (IN).
public struct DNSQuestion: Hashable, Sendable {
    /// The name in ASCII (punycode for IDNs), lower or mixed case, without the trailing dot.
    public var name: String
    public var type: DNSRecordType
    /// The class; 1 (IN) for every query we send.
    public var recordClass: UInt16

    public init(name: String, type: DNSRecordType, recordClass: UInt16 = 1) {
        self.name = name
        self.type = type
        self.recordClass = recordClass
    }

    /// Whether `other` asks the same thing (names compare case-insensitively, RFC 4343).
    public func matches(_ other: DNSQuestion) -> Bool {
        self.type == other.type && self.recordClass == other.recordClass
            && DNSName.canonical(self.name) == DNSName.canonical(other.name)
    }
}
