/// A resource record type (RFC 1035 section 3.2.2, RFC 3596 for AAAA).
public struct DNSRecordType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// An IPv4 address.
    public static let a = DNSRecordType(rawValue: 1)
    /// The canonical name of an alias.
    public static let cname = DNSRecordType(rawValue: 5)
    /// Start of a zone of authority (sent in the authority section of NXDOMAIN and no-data answers).
    public static let soa = DNSRecordType(rawValue: 6)
    /// A mail exchange.
    public static let mx = DNSRecordType(rawValue: 15)
    /// Text strings.
    public static let txt = DNSRecordType(rawValue: 16)
    /// An IPv6 address.
    public static let aaaa = DNSRecordType(rawValue: 28)

    public var description: String {
        switch self {
        case .a: return "A"
        case .cname: return "CNAME"
        case .soa: return "SOA"
        case .mx: return "MX"
        case .txt: return "TXT"
        case .aaaa: return "AAAA"
        default: return "TYPE\(self.rawValue)"
        }
    }
}
