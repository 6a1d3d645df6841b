import TestSupport
import Testing

@testable import DNSClient

/// The resolver against the real dnsmasq of scripts/test-servers/dns.sh (UDP, and TCP for the
/// truncated answer).
@Suite(
    "DNS resolver (dnsmasq)", .enabled(if: TestDNS.suitesRun, "needs DNS_TEST_RESOLVER (scripts/test-servers/dns.sh)"),
    .timeLimit(.minutes(1)))
struct DNSResolverIntegrationTests {
    static var resolver: DNSResolver {
        get throws {
            guard let setting = TestDNS.resolver, let server = DNSServerAddress(setting: setting) else {
                throw TestFailure("DNS_TEST_RESOLVER is not set: start scripts/test-servers/dns.sh")
            }
            // Generous tries: dnsmasq answers at once, and a loaded machine must not turn that into a timeout.
            return DNSResolver(server: server, timeout: .seconds(10), retries: 1)
        }
    }

    static let zone = TestDNS.zone

    @Test func mxRecords() async throws {
        let result = try await Self.resolver.lookup(Self.zone, .mx)
        let exchanges = result.records(of: .mx).compactMap { record -> String? in
            if case .mx(let preference, let exchange) = record.data { return "\(preference) \(exchange)" }
            return nil
        }
        #expect(exchanges.sorted() == ["10 mail.\(Self.zone)", "20 mail2.\(Self.zone)"])
    }

    @Test func txtRecordsJoinTheirStrings() async throws {
        let texts = try await Self.resolver.lookup(Self.zone, .txt).records(of: .txt).compactMap(\.data.joinedText)
        #expect(texts.contains("blueprint-verify=\(TestDNS.token)"))
        #expect(texts.contains("v=spf1 -all"))
        #expect(texts.contains("blueprint-verify=split-proof"))
    }

    @Test func addresses() async throws {
        let resolver = try Self.resolver
        #expect(
            try await resolver.lookup("mail.\(Self.zone)", .a).records(of: .a).map(\.data) == [
                .a(IPv4: [127, 0, 0, 10])
            ])
        #expect(
            try await resolver.lookup("mail.\(Self.zone)", .aaaa).records(of: .aaaa).compactMap(\.data.addressText) == [
                "0:0:0:0:0:0:0:10"
            ])
        #expect(
            try await resolver.lookup("MAIL.\(Self.zone.uppercased())", .a).records(of: .a).count == 1,
            "case-insensitive")
    }

    @Test func nxdomainNoDataAndNullMX() async throws {
        let resolver = try Self.resolver
        #expect(try await resolver.lookup("missing.\(Self.zone)", .mx) == .nxdomain)
        #expect(try await resolver.lookup("aonly.\(Self.zone)", .mx) == .noData)
        #expect(try await resolver.lookup("nomail.\(Self.zone)", .a) == .noData)
        #expect(
            try await resolver.lookup("nullmx.\(Self.zone)", .mx).records(of: .mx).map(\.data) == [
                .mx(preference: 0, exchange: "")
            ])
    }

    @Test func aTruncatedAnswerIsAskedAgainOverTCP() async throws {
        // 40 TXT records (~2.5 KB) do not fit in 512 bytes: dnsmasq sets TC and the resolver uses TCP.
        let texts = try await Self.resolver.lookup("big.\(Self.zone)", .txt).records(of: .txt).compactMap(
            \.data.joinedText)
        #expect(texts.count == 40)
        #expect(Set(texts).count == 40)
        #expect(texts.contains("filler record number 40 abcdefghijklmnopqrstuvwxyz"))
    }

    @Test func namesOutsideTheZoneAreRefused() async throws {
        await #expect(throws: DNSResolverError.refused) { try await Self.resolver.lookup("example.invalid", .a) }
    }

    @Test func concurrentLookupsDoNotMixUpReplies() async throws {
        let resolver = try Self.resolver
        try await withThrowingTaskGroup(of: (String, DNSLookupResult).self) { group in
            for index in 0..<40 {
                let name = index.isMultiple(of: 2) ? "mail.\(Self.zone)" : "aonly.\(Self.zone)"
                group.addTask { (name, try await resolver.lookup(name, .a)) }
            }
            for try await (name, result) in group {
                let expected: [UInt8] = name.hasPrefix("mail.") ? [127, 0, 0, 10] : [127, 0, 0, 20]
                #expect(result.records(of: .a).map(\.data) == [.a(IPv4: expected)])
            }
        }
    }
}
