/// Arguments of `verify_company_domain`: `email` or `domain`, optional `company_name` and `token`.
public struct VerifyCompanyDomainArguments: Decodable, Sendable, Hashable {
    /// A work address; its domain is checked. Give this or ``domain``.
    public var email: String?
    /// The domain to check (Unicode or ASCII). Give this or ``email``.
    public var domain: String?
    /// The company the user claims; kept for the caller's records, not checked against DNS
    /// (nothing in DNS names a company reliably).
    public var companyName: String?
    /// When given, the domain must publish a TXT record `blueprint-verify=<token>`.
    public var token: String?

    public init(email: String? = nil, domain: String? = nil, companyName: String? = nil, token: String? = nil) {
        self.email = email
        self.domain = domain
        self.companyName = companyName
        self.token = token
    }

    enum CodingKeys: String, CodingKey {
        case email, domain, token
        case companyName = "company_name"
    }
}
