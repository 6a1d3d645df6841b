import Testing

@testable import DNSClient

@Suite("DNS resolver setting")
struct DNSServerAddressTests {
    @Test func parsesTheSetting() {
        #expect(DNSServerAddress(setting: "10.0.0.2") == DNSServerAddress(host: "10.0.0.2", port: 53))
        #expect(DNSServerAddress(setting: " 127.0.0.1:5353 ") == DNSServerAddress(host: "127.0.0.1", port: 5353))
        #expect(DNSServerAddress(setting: "::1") == DNSServerAddress(host: "::1", port: 53))
        #expect(DNSServerAddress(setting: "[2001:db8::53]:5300") == DNSServerAddress(host: "2001:db8::53", port: 5300))
        #expect(DNSServerAddress(setting: "[::1]") == DNSServerAddress(host: "::1", port: 53))
        for bad in [
            "", "  ", "dns.google", "dns.google:53", "1.2.3.4:0", "1.2.3.4:65536", "1.2.3.4:x", "1.2.3", "256.1.1.1",
            "1.2.3.4:53:1",
            "[::1", "[::1]x", "[1.2.3.4]:53", "[::1]:", "1.2.3.4:", ":53", String(repeating: "9", count: 10_000),
        ] {
            #expect(DNSServerAddress(setting: bad) == nil, "\(bad.prefix(20))")
        }
        #expect(DNSServerAddress(host: "::1", port: 53).description == "[::1]:53")
    }

    @Test func readsTheFirstUsableNameserverOfResolvConf() {
        let text = """
            # generated
            search example.internal
            options ndots:5
            nameserver fe80::1%eth0
            nameserver 10.255.255.53
            nameserver 8.8.8.8
            """
        #expect(DNSServerAddress.firstNameserver(inResolvConf: text) == DNSServerAddress(host: "10.255.255.53"))
        #expect(
            DNSServerAddress.firstNameserver(inResolvConf: "nameserver\tfd00::53\n")
                == DNSServerAddress(host: "fd00::53"))
        #expect(DNSServerAddress.firstNameserver(inResolvConf: "") == nil)
        #expect(DNSServerAddress.firstNameserver(inResolvConf: "nameserver\nnameserver bogus\n") == nil)
    }

    @Test func theSettingWinsOverTheSystem() throws {
        struct Unreadable: Error {}
        #expect(
            try DNSResolver.server(setting: "127.0.0.1:5300", resolvConf: { throw Unreadable() })
                == DNSServerAddress(host: "127.0.0.1", port: 5300))
        #expect(
            try DNSResolver.server(setting: nil, resolvConf: { "nameserver 192.0.2.53\n" })
                == DNSServerAddress(host: "192.0.2.53"))
        #expect(
            try DNSResolver.server(setting: " ", resolvConf: { "nameserver 192.0.2.53\n" })
                == DNSServerAddress(host: "192.0.2.53"))
        #expect(throws: DNSResolverError.invalidConfiguration("")) {
            try DNSResolver.server(setting: "resolver.internal:53", resolvConf: { "" })
        }
        #expect(throws: DNSResolverError.invalidConfiguration("")) {
            try DNSResolver.server(setting: nil, resolvConf: { throw Unreadable() })
        }
        #expect(throws: DNSResolverError.invalidConfiguration("")) {
            try DNSResolver.server(setting: nil, resolvConf: { "search x\n" })
        }
        #expect(!DNSResolverError.invalidConfiguration("").isTransient)
    }
}
