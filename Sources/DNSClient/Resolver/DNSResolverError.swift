/// Why a lookup got no usable answer.
///
/// Timeouts, SERVFAIL, REFUSED, unreachable servers and garbled replies are ``isTransient``
/// (worth retrying later); a name that cannot be queried at all is not.
public struct DNSResolverError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case timeout, serverFailure, refused, otherResponseCode, malformedReply, connectionFailed, invalidName,
            invalidConfiguration
    }

    private let code: Code
    /// Safe for logs and metric labels: no names, no addresses.
    public let shortDescription: String

    private init(_ code: Code, _ shortDescription: String) {
        self.code = code
        self.shortDescription = shortDescription
    }

    /// No matching reply within the timeout, after every retry.
    public static let timeout = DNSResolverError(.timeout, "DNS query timed out")
    /// The server answered SERVFAIL.
    public static let serverFailure = DNSResolverError(.serverFailure, "DNS server failure (SERVFAIL)")
    /// The server answered REFUSED.
    public static let refused = DNSResolverError(.refused, "DNS query refused (REFUSED)")
    /// The server answered FORMERR, NOTIMP or another error code.
    public static func responseCode(_ code: DNSResponseCode) -> DNSResolverError {
        DNSResolverError(.otherResponseCode, "DNS server answered \(code)")
    }
    /// A reply with the right ID and question could not be parsed.
    public static func malformedReply(_ error: DNSMessageError) -> DNSResolverError {
        DNSResolverError(.malformedReply, "malformed DNS reply: \(error.shortDescription)")
    }
    /// The server could not be reached (connection refused, ICMP unreachable, TCP reset).
    public static let connectionFailed = DNSResolverError(.connectionFailed, "DNS server unreachable")
    /// The name cannot be put in a query (empty label, over 63/255 bytes, not ASCII).
    public static func invalidName(_ error: DNSMessageError) -> DNSResolverError {
        DNSResolverError(.invalidName, "invalid DNS name: \(error.shortDescription)")
    }
    /// A resolver setting could not be used.
    public static func invalidConfiguration(_ why: String) -> DNSResolverError {
        DNSResolverError(.invalidConfiguration, "invalid DNS resolver setting: \(why)")
    }

    /// Worth retrying later (timeouts, SERVFAIL, REFUSED, unreachable server, garbled reply).
    public var isTransient: Bool {
        switch self.code {
        case .invalidName, .invalidConfiguration: return false
        default: return true
        }
    }

    public static func == (lhs: DNSResolverError, rhs: DNSResolverError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }

    public var description: String { self.shortDescription }
}
