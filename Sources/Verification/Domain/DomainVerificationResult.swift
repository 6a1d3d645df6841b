/// The result of `verify_company_domain`:
/// `{"domain","verdict","mx","free_mail","disposable","txt_proof","reasons":[...]}`.
public struct DomainVerificationResult: Encodable, Sendable, Hashable {
    /// The domain checked, in ASCII (punycode) form.
    public var domain: String
    public var verdict: DomainVerdict
    /// The mail exchangers by preference (the domain itself for an implicit MX); empty when none.
    public var mx: [String]
    public var freeMail: Bool
    public var disposable: Bool
    /// Whether `blueprint-verify=<token>` is published; `nil` (JSON `null`) when no token was given.
    public var txtProof: Bool?
    /// Why the verdict is what it is, in order; safe to show (never the token or an address).
    public var reasons: [String]

    public init(
        domain: String, verdict: DomainVerdict, mx: [String], freeMail: Bool, disposable: Bool, txtProof: Bool?,
        reasons: [String]
    ) {
        self.domain = domain
        self.verdict = verdict
        self.mx = mx
        self.freeMail = freeMail
        self.disposable = disposable
        self.txtProof = txtProof
        self.reasons = reasons
    }

    enum CodingKeys: String, CodingKey {
        case domain, verdict, mx, reasons
        case freeMail = "free_mail"
        case disposable
        case txtProof = "txt_proof"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.domain, forKey: .domain)
        try container.encode(self.verdict, forKey: .verdict)
        try container.encode(self.mx, forKey: .mx)
        try container.encode(self.freeMail, forKey: .freeMail)
        try container.encode(self.disposable, forKey: .disposable)
        // Explicit null: the protocol distinguishes "not asked" from "absent".
        if let txtProof = self.txtProof {
            try container.encode(txtProof, forKey: .txtProof)
        } else {
            try container.encodeNil(forKey: .txtProof)
        }
        try container.encode(self.reasons, forKey: .reasons)
    }
}
