import DNSClient
import Foundation
import JobEngine
import TestSupport
import Testing

@testable import Verification

/// Argument checks and registration (no DNS needed).
@Suite("verify_company_domain arguments")
struct DomainVerificationArgumentTests {
    static let service = DomainVerificationService(
        resolver: DNSResolver(server: DNSServerAddress(host: "127.0.0.1", port: 9)))

    @Test func registersTheJobTypeOnItsQueue() throws {
        var registry = JobRegistry()
        Self.service.register(in: &registry)
        let handler = try #require(registry.handler(for: "verify_company_domain"))
        #expect(handler.queues == ["verification_queue"])
        #expect(handler.dependencies == ["dns"])
        #expect(registry.names == ["verify_company_domain"])
    }

    @Test func badArgumentsArePermanentAndNeverEchoed() async {
        let cases: [(VerifyCompanyDomainArguments, String)] = [
            (VerifyCompanyDomainArguments(), "missing 'email' or 'domain'"),
            (VerifyCompanyDomainArguments(email: "a@b.com", domain: "b.com"), "either 'email' or 'domain'"),
            (VerifyCompanyDomainArguments(email: "secret-person"), "argument 'email' is invalid"),
            (VerifyCompanyDomainArguments(email: "secret-person@"), "argument 'email' is invalid"),
            (VerifyCompanyDomainArguments(domain: "secret_host.com"), "argument 'domain' is invalid"),
            (
                VerifyCompanyDomainArguments(domain: String(repeating: "a", count: 300) + ".com"),
                "argument 'domain' is invalid"
            ),
            (VerifyCompanyDomainArguments(domain: "example-corp.com", token: ""), "argument 'token'"),
            (VerifyCompanyDomainArguments(domain: "example-corp.com", token: "has space"), "argument 'token'"),
            (VerifyCompanyDomainArguments(domain: "example-corp.com", token: "토큰"), "argument 'token'"),
            (
                VerifyCompanyDomainArguments(domain: "example-corp.com", token: String(repeating: "t", count: 129)),
                "argument 'token'"
            ),
            (
                VerifyCompanyDomainArguments(
                    domain: "example-corp.com", companyName: String(repeating: "c", count: 201)),
                "argument 'company_name'"
            ),
        ]
        for (arguments, expected) in cases {
            do {
                _ = try await Self.service.verify(arguments)
                Issue.record("expected an error for \(expected)")
            } catch {
                #expect(error.kind == .permanent)
                #expect(error.message.contains(expected), "\(error.message)")
                #expect(!error.message.contains("secret"))
            }
        }
    }

    @Test func freeMailAndDisposableAreRejectedWithoutDNS() async throws {
        // The resolver points at a discard port: any lookup would time out.
        let free = try await Self.service.verify(VerifyCompanyDomainArguments(email: "kim@Naver.com", token: "abc"))
        #expect(free.verdict == .rejected)
        #expect(free.freeMail && free.domain == "naver.com")
        #expect(free.txtProof == false)
        let disposable = try await Self.service.verify(VerifyCompanyDomainArguments(domain: "x.mailinator.com"))
        #expect(disposable.verdict == .rejected && disposable.disposable)
        #expect(disposable.txtProof == nil)
    }

    @Test func argumentsDecodeFromJobJSON() throws {
        let arguments = try JSONDecoder().decode(
            VerifyCompanyDomainArguments.self,
            from: Data(#"{"type":"verify_company_domain","email":"a@b.com","company_name":"B Corp","token":"t1"}"#.utf8)
        )
        #expect(arguments == VerifyCompanyDomainArguments(email: "a@b.com", companyName: "B Corp", token: "t1"))
    }
}

/// The service against the real dnsmasq of scripts/test-servers/dns.sh.
@Suite(
    "verify_company_domain (dnsmasq)",
    .enabled(if: TestDNS.suitesRun, "needs DNS_TEST_RESOLVER (scripts/test-servers/dns.sh)"), .timeLimit(.minutes(1)))
struct DomainVerificationDNSTests {
    static var service: DomainVerificationService {
        get throws {
            guard let setting = TestDNS.resolver, let server = DNSServerAddress(setting: setting) else {
                throw TestFailure("DNS_TEST_RESOLVER is not set: start scripts/test-servers/dns.sh")
            }
            // Generous tries: dnsmasq answers at once, and a loaded machine must not turn that into a timeout.
            return DomainVerificationService(resolver: DNSResolver(server: server, timeout: .seconds(10), retries: 1))
        }
    }

    static let zone = TestDNS.zone

    @Test func mxAndTXTProofVerify() async throws {
        let result = try await Self.service.verify(
            VerifyCompanyDomainArguments(email: "Kim@\(Self.zone.uppercased())", token: TestDNS.token))
        #expect(result.verdict == .verified)
        #expect(result.domain == Self.zone)
        #expect(result.mx == ["mail.\(Self.zone)", "mail2.\(Self.zone)"])
        #expect(result.txtProof == true)
        #expect(!result.freeMail && !result.disposable)
        // A proof split over two character-strings is joined.
        #expect(
            try await Self.service.verify(VerifyCompanyDomainArguments(domain: Self.zone, token: "split-proof"))
                .txtProof == true)
    }

    @Test func missingProofIsUnverified() async throws {
        let result = try await Self.service.verify(
            VerifyCompanyDomainArguments(domain: Self.zone, token: "not-published"))
        #expect(result.verdict == .unverified)
        #expect(result.txtProof == false)
        #expect(result.mx.count == 2)
    }

    @Test func noMXFallsBackToAddresses() async throws {
        let v4 = try await Self.service.verify(VerifyCompanyDomainArguments(domain: "aonly.\(Self.zone)"))
        #expect(v4.verdict == .verified)
        #expect(v4.mx == ["aonly.\(Self.zone)"])
        let v6 = try await Self.service.verify(VerifyCompanyDomainArguments(domain: "v6only.\(Self.zone)"))
        #expect(v6.mx == ["v6only.\(Self.zone)"])
    }

    @Test func rejections() async throws {
        let nullMX = try await Self.service.verify(VerifyCompanyDomainArguments(domain: "nullmx.\(Self.zone)"))
        #expect(nullMX.verdict == .rejected)
        #expect(nullMX.reasons.contains { $0.contains("null MX") })
        let missing = try await Self.service.verify(
            VerifyCompanyDomainArguments(email: "a@missing.\(Self.zone)", token: "t"))
        #expect(missing.verdict == .rejected)
        #expect(missing.reasons.contains("domain does not exist (NXDOMAIN)"))
        #expect(missing.txtProof == false)
        let nomail = try await Self.service.verify(VerifyCompanyDomainArguments(domain: "nomail.\(Self.zone)"))
        #expect(nomail.verdict == .rejected)
        #expect(nomail.reasons.contains { $0.contains("accepts no mail") })
    }

    @Test func unicodeDomainIsQueriedInPunycode() async throws {
        let result = try await Self.service.verify(VerifyCompanyDomainArguments(email: "홍길동@한국.\(Self.zone)"))
        #expect(result.domain == "xn--3e0b707e.\(Self.zone)")
        #expect(result.verdict == .verified)
        #expect(result.mx == ["mail.\(Self.zone)"])
    }

    @Test func refusedIsATransientDNSFailure() async throws {
        // dnsmasq refuses names outside its zone: a dependency failure of `dns`, retried.
        let service = try Self.service
        do {
            _ = try await service.verify(VerifyCompanyDomainArguments(domain: "example-corp.invalid"))
            Issue.record("expected a DNS failure")
        } catch {
            #expect(error.kind == .transient)
            #expect(error.dependency == "dns")
        }
    }
}

/// Building the resolver from `DNS_RESOLVER` or a resolv.conf file.
@Suite("verify_company_domain resolver setting")
struct DomainResolverSettingTests {
    @Test func settingOrResolvConf() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("resolv-\(UUID().uuidString).conf")
            .path
        try "# test\nnameserver 192.0.2.53\nnameserver 192.0.2.54\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(
            try DomainVerificationService.makeResolver(setting: nil, resolvConfPath: path).server
                == DNSServerAddress(host: "192.0.2.53"))
        #expect(
            try DomainVerificationService.makeResolver(setting: "127.0.0.1:5353", resolvConfPath: path).server
                == DNSServerAddress(host: "127.0.0.1", port: 5353))
        #expect(throws: DNSResolverError.invalidConfiguration("")) {
            try DomainVerificationService.makeResolver(setting: "dns.example:53", resolvConfPath: path)
        }
        #expect(throws: DNSResolverError.invalidConfiguration("")) {
            try DomainVerificationService.makeResolver(setting: nil, resolvConfPath: path + ".missing")
        }
    }
}
