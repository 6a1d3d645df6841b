import DNSClient

/// What DNS said about a domain: the input of ``DomainVerdictRules``.
public struct DomainEvidence: Hashable, Sendable {
    /// The MX lookup.
    public var mx: DNSLookupResult
    /// The A and AAAA lookups, made only when there is no MX (the implicit MX of RFC 5321 5.1).
    public var addresses: [DNSLookupResult]
    /// The TXT lookup, made only when a token was given.
    public var txt: DNSLookupResult?

    public init(mx: DNSLookupResult, addresses: [DNSLookupResult] = [], txt: DNSLookupResult? = nil) {
        self.mx = mx
        self.addresses = addresses
        self.txt = txt
    }
}
