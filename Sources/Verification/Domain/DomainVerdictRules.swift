import DNSClient

/// The rules turning list membership and DNS answers into a verdict; pure, no I/O.
public enum DomainVerdictRules {
    /// The TXT record proving control of the domain is `blueprint-verify=<token>`.
    public static let proofPrefix = "blueprint-verify="

    /// Whether a domain needs DNS at all: free-mail and disposable domains are rejected on the lists alone.
    public static func rejectedByLists(freeMail: Bool, disposable: Bool) -> Bool { freeMail || disposable }

    /// The verdict for `domain` from the list checks and, when not rejected by them, the DNS evidence.
    public static func evaluate(
        domain: DomainName, freeMail: Bool, disposable: Bool, evidence: DomainEvidence?, token: String?
    ) -> DomainVerificationResult {
        var reasons: [String] = []
        var rejected = false
        if freeMail {
            reasons.append("free-mail domain: anyone can get an address there")
            rejected = true
        }
        if disposable {
            reasons.append("disposable-mail domain")
            rejected = true
        }
        var mx: [String] = []
        var txtProof: Bool? = token == nil ? nil : false
        if let evidence {
            switch Self.mailHosts(domain: domain, evidence: evidence) {
            case .hosts(let hosts, let implicit):
                mx = hosts
                reasons.append(
                    implicit
                        ? "no MX record: the domain's A/AAAA address is the implicit mail exchanger"
                        : "MX records found")
            case .nonexistent:
                reasons.append("domain does not exist (NXDOMAIN)")
                rejected = true
            case .nullMX:
                reasons.append("null MX: the domain accepts no mail")
                rejected = true
            case .noMailHost:
                reasons.append("no MX, A or AAAA record: the domain accepts no mail")
                rejected = true
            }
            if let token, let txt = evidence.txt {
                let proof = Self.proofPrefix + token
                let found = txt.records(of: .txt).contains { record in
                    record.data.joinedText.map { $0.trimmingSpaces == proof } ?? false
                }
                txtProof = found
                reasons.append(found ? "TXT proof found" : "TXT proof \(Self.proofPrefix)<token> not found")
            }
        }
        let verdict: DomainVerdict
        if rejected {
            verdict = .rejected
        } else if txtProof == false {
            verdict = .unverified
        } else {
            verdict = .verified
        }
        return DomainVerificationResult(
            domain: domain.ascii, verdict: verdict, mx: mx, freeMail: freeMail, disposable: disposable,
            txtProof: txtProof, reasons: reasons
        )
    }

    /// Where mail for the domain goes.
    enum MailHosts: Hashable {
        /// Mail exchangers by preference; `implicit` when there is no MX and the domain's own address is used.
        case hosts([String], implicit: Bool)
        case nonexistent
        /// A null MX (RFC 7505): only `0 .` records.
        case nullMX
        case noMailHost
    }

    static func mailHosts(domain: DomainName, evidence: DomainEvidence) -> MailHosts {
        switch evidence.mx {
        case .nxdomain:
            return .nonexistent
        case .answer:
            var exchanges: [(preference: UInt16, host: String)] = []
            for record in evidence.mx.records(of: .mx) {
                if case .mx(let preference, let exchange) = record.data {
                    exchanges.append((preference, DNSName.canonical(exchange)))
                }
            }
            // A null MX is "." alone; a "." beside real exchangers is ignored (RFC 7505 section 3).
            let real = exchanges.filter { !$0.host.isEmpty }
            guard !real.isEmpty else { return exchanges.isEmpty ? .noMailHost : .nullMX }
            let sorted = real.sorted { ($0.preference, $0.host) < ($1.preference, $1.host) }
            var seen = Set<String>()
            return .hosts(sorted.map(\.host).filter { seen.insert($0).inserted }, implicit: false)
        case .noData:
            if evidence.addresses.contains(where: { !$0.records(of: .a).isEmpty || !$0.records(of: .aaaa).isEmpty }) {
                return .hosts([domain.ascii], implicit: true)
            }
            if !evidence.addresses.isEmpty, evidence.addresses.allSatisfy({ $0 == .nxdomain }) { return .nonexistent }
            return .noMailHost
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(self.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
