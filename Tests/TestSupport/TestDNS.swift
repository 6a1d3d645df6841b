import Foundation

/// The dnsmasq of scripts/test-servers/dns.sh: `DNS_TEST_RESOLVER` (`127.0.0.1:PORT`, UDP and TCP),
/// `DNS_TEST_ZONE` (`example-corp.test`) and `DNS_TEST_TOKEN` (the published TXT proof's token).
public enum TestDNS {
    /// `host:port` of the test DNS server, `nil` outside `make test` unless exported by hand.
    public static var resolver: String? { ProcessInfo.processInfo.environment["DNS_TEST_RESOLVER"] }
    /// The zone whose records the script documents.
    public static var zone: String { ProcessInfo.processInfo.environment["DNS_TEST_ZONE"] ?? "example-corp.test" }
    /// The token of the TXT record `blueprint-verify=<token>` published at ``zone``.
    public static var token: String { ProcessInfo.processInfo.environment["DNS_TEST_TOKEN"] ?? "bp-test-token-7f3a" }
    /// Whether the DNS suites run: when the server is there, and always under `make test`.
    public static var suitesRun: Bool { TestServers.shouldRun(Self.resolver != nil) }
}
