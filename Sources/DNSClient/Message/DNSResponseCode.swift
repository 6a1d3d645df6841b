/// The RCODE of a DNS header (RFC 1035 section 4.1.1).
public struct DNSResponseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 4-bit code (0...15).
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x0F }

    /// No error: the name exists (the answer may still hold no record of the asked type).
    public static let noError = DNSResponseCode(rawValue: 0)
    /// The server could not interpret the query.
    public static let formatError = DNSResponseCode(rawValue: 1)
    /// The server failed (upstream unreachable, DNSSEC failure...): transient.
    public static let serverFailure = DNSResponseCode(rawValue: 2)
    /// The name does not exist (an answer, not an error).
    public static let nameError = DNSResponseCode(rawValue: 3)
    /// The server does not support the query.
    public static let notImplemented = DNSResponseCode(rawValue: 4)
    /// The server refuses to answer (policy).
    public static let refused = DNSResponseCode(rawValue: 5)

    public var description: String {
        switch self {
        case .noError: return "NOERROR"
        case .formatError: return "FORMERR"
        case .serverFailure: return "SERVFAIL"
        case .nameError: return "NXDOMAIN"
        case .notImplemented: return "NOTIMP"
        case .refused: return "REFUSED"
        default: return "RCODE\(self.rawValue)"
        }
    }
}
