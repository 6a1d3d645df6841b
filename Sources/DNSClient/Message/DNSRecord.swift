/// A resource record of an answer or authority section.
public struct DNSRecord: Hashable, Sendable {
    /// The owner name, without the trailing dot.
    public var name: String
    public var type: DNSRecordType
    public var recordClass: UInt16
    /// Seconds the record may be cached.
    public var ttl: UInt32
    public var data: DNSRecordData

    public init(name: String, type: DNSRecordType, recordClass: UInt16 = 1, ttl: UInt32, data: DNSRecordData) {
        self.name = name
        self.type = type
        self.recordClass = recordClass
        self.ttl = ttl
        self.data = data
    }
}
