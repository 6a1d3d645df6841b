import DNSClient
import Foundation
import Testing

@testable import Verification

/// The verdict rules on hand-made DNS answers (no I/O).
@Suite("Company-domain verdict rules")
struct DomainVerdictRulesTests {
    static let domain = try! DomainName("example-corp.com")

    static func mx(_ preference: UInt16, _ exchange: String) -> DNSRecord {
        DNSRecord(name: "example-corp.com", type: .mx, ttl: 60, data: .mx(preference: preference, exchange: exchange))
    }
    static func txt(_ strings: String...) -> DNSRecord {
        DNSRecord(name: "example-corp.com", type: .txt, ttl: 60, data: .txt(strings))
    }
    static let a = DNSRecord(name: "example-corp.com", type: .a, ttl: 60, data: .a(IPv4: [192, 0, 2, 1]))

    static func evaluate(
        _ evidence: DomainEvidence?, token: String? = nil, freeMail: Bool = false, disposable: Bool = false
    ) -> DomainVerificationResult {
        DomainVerdictRules.evaluate(
            domain: Self.domain, freeMail: freeMail, disposable: disposable, evidence: evidence, token: token)
    }

    @Test func mxWithoutTokenIsVerifiedAndSortedByPreference() {
        let result = Self.evaluate(
            DomainEvidence(
                mx: .answer([
                    Self.mx(20, "b.mx.example-corp.com"), Self.mx(10, "A.MX.example-corp.com."),
                    Self.mx(20, "a2.mx.example-corp.com"),
                ])))
        #expect(result.verdict == .verified)
        #expect(result.mx == ["a.mx.example-corp.com", "a2.mx.example-corp.com", "b.mx.example-corp.com"])
        #expect(result.txtProof == nil)
    }

    @Test func tokenProofDecidesBetweenVerifiedAndUnverified() {
        let mx = DNSLookupResult.answer([Self.mx(10, "mx.example-corp.com")])
        let found = Self.evaluate(
            DomainEvidence(mx: mx, txt: .answer([Self.txt("v=spf1 -all"), Self.txt("blueprint-verify=", "tok-1")])),
            token: "tok-1")
        #expect(found.verdict == .verified)
        #expect(found.txtProof == true)
        let other = Self.evaluate(
            DomainEvidence(mx: mx, txt: .answer([Self.txt("blueprint-verify=tok-2")])), token: "tok-1")
        #expect(other.verdict == .unverified)
        #expect(other.txtProof == false)
        #expect(!other.reasons.joined().contains("tok-1"), "the token is never echoed")
        // A prefix of the proof or a longer token does not count.
        #expect(
            Self.evaluate(DomainEvidence(mx: mx, txt: .answer([Self.txt("blueprint-verify=tok-10")])), token: "tok-1")
                .txtProof == false)
        #expect(Self.evaluate(DomainEvidence(mx: mx, txt: .noData), token: "tok-1").verdict == .unverified)
        #expect(Self.evaluate(DomainEvidence(mx: mx, txt: .nxdomain), token: "tok-1").txtProof == false)
    }

    @Test func implicitMXFromAddresses() {
        let result = Self.evaluate(DomainEvidence(mx: .noData, addresses: [.answer([Self.a]), .noData]))
        #expect(result.verdict == .verified)
        #expect(result.mx == ["example-corp.com"])
        #expect(result.reasons.contains { $0.contains("implicit") })
    }

    @Test func rejections() {
        let nx = Self.evaluate(DomainEvidence(mx: .nxdomain), token: "t")
        #expect(nx.verdict == .rejected)
        #expect(nx.reasons.contains("domain does not exist (NXDOMAIN)"))
        #expect(nx.txtProof == false)
        let nullMX = Self.evaluate(DomainEvidence(mx: .answer([Self.mx(0, "")])))
        #expect(nullMX.verdict == .rejected)
        #expect(nullMX.mx.isEmpty)
        #expect(nullMX.reasons.contains { $0.contains("null MX") })
        // A null MX beside a real exchanger is ignored.
        #expect(
            Self.evaluate(DomainEvidence(mx: .answer([Self.mx(0, ""), Self.mx(10, "mx.example-corp.com")]))).verdict
                == .verified)
        let noHost = Self.evaluate(DomainEvidence(mx: .noData, addresses: [.noData, .noData]))
        #expect(noHost.verdict == .rejected)
        #expect(noHost.reasons.contains { $0.contains("accepts no mail") })
        // No MX and both address lookups NXDOMAIN (the name vanished between lookups): does not exist.
        #expect(
            Self.evaluate(DomainEvidence(mx: .noData, addresses: [.nxdomain, .nxdomain])).reasons.contains(
                "domain does not exist (NXDOMAIN)"))
        let free = Self.evaluate(nil, token: "t", freeMail: true)
        #expect(free.verdict == .rejected)
        #expect(free.freeMail && !free.disposable)
        #expect(free.txtProof == false)
        let disposable = Self.evaluate(nil, disposable: true)
        #expect(disposable.verdict == .rejected && disposable.disposable)
        #expect(disposable.txtProof == nil)
    }

    @Test func resultJSONHasTheProtocolShape() throws {
        let result = Self.evaluate(DomainEvidence(mx: .answer([Self.mx(10, "mx.example-corp.com")])))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as? [String: Any]
        #expect(
            Set(json?.keys.map { $0 } ?? []) == [
                "domain", "verdict", "mx", "free_mail", "disposable", "txt_proof", "reasons",
            ])
        #expect(json?["txt_proof"] is NSNull, "null when no token was given")
        #expect(json?["domain"] as? String == "example-corp.com")
        #expect(json?["verdict"] as? String == "verified")
        #expect(json?["mx"] as? [String] == ["mx.example-corp.com"])
        #expect(json?["free_mail"] as? Bool == false)
        let proved = Self.evaluate(
            DomainEvidence(mx: .answer([Self.mx(10, "mx.example-corp.com")]), txt: .noData), token: "x")
        let provedJSON = try JSONSerialization.jsonObject(with: JSONEncoder().encode(proved)) as? [String: Any]
        #expect(provedJSON?["txt_proof"] as? Bool == false)
    }
}
