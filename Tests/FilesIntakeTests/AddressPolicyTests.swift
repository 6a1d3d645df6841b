import Testing

@testable import Files

@Suite("AddressPolicy, FetchHost and FetchURL (pure)")
struct AddressPolicyTests {
    static func host(_ text: String) throws(FetchError) -> FetchHost { try FetchHost.parse(text) }

    @Test(
        "odd IPv4 notations are read as the IPs they are",
        arguments: [
            ("0x7f000001", "127.0.0.1"), ("2130706433", "127.0.0.1"), ("127.1", "127.0.0.1"),
            ("0177.0.0.1", "127.0.0.1"), ("127.0.0.1.", "127.0.0.1"), ("%31%32%37.0.0.1", "127.0.0.1"),
            ("0x7F.0.0.1", "127.0.0.1"), ("127.0.1", "127.0.0.1"), ("0", "0.0.0.0"), ("0x", "0.0.0.0"),
            ("169.254.43518", "169.254.169.254"), ("0xa9fea9fe", "169.254.169.254"), ("012.0.0.1", "10.0.0.1"),
            ("8.8.8.8", "8.8.8.8"), ("00000000000000000000127.0.0.1", "87.0.0.1"),
        ])
    func oddIPv4(text: String, expected: String) throws {
        #expect(try Self.host(text) == .ip(try #require(Self.v4(expected))))
    }

    static func v4(_ text: String) -> IPAddress? {
        let parts = text.split(separator: ".").compactMap { UInt8($0) }
        guard parts.count == 4 else { return nil }
        return .v4(parts[0], parts[1], parts[2], parts[3])
    }

    @Test(
        "IPv6 forms, including IPv4-mapped",
        arguments: ["[::ffff:7f00:1]", "[::FFFF:127.0.0.1]", "[0:0:0:0:0:ffff:7f00:0001]"])
    func mapped(text: String) throws {
        guard case .ip(let address) = try Self.host(text) else {
            Issue.record("not an IP")
            return
        }
        #expect(AddressPolicy.classify(address)?.contains("IPv4-mapped loopback") == true)
    }

    @Test(
        "hosts that are neither an IP nor a name are invalid",
        arguments: [
            "", ".", "256.0.0.1", "1.2.3.4.5", "0x100000000", "4294967296", "127.0.0.1..", "08.0.0.1", "1.+2.3.4",
            "[::1", "[fe80::1%25eth0]", "[fe80::1%eth0]", "[:::]", "exa mple.com", "-bad.com", "bad-.com",
            "a..b", "%zz", "%4", "ex%00ample.com", String(repeating: "a", count: 64) + ".com",
            "１２７.０.０.１", "bücher.de", "xn--bcher-kva.de\u{200B}", "0x7f.1.1.1.1",
        ])
    func invalidHosts(text: String) {
        #expect(throws: FetchError.invalidURL) { try Self.host(text) }
    }

    @Test("names are lowercased; a trailing dot is dropped; punycode is a name")
    func names() throws {
        #expect(try Self.host("Example.COM.") == .name("example.com"))
        #expect(try Self.host("xn--bcher-kva.de") == .name("xn--bcher-kva.de"))
        #expect(try Self.host("1.2.3.4.example") == .name("1.2.3.4.example"))
        #expect(try Self.host("_dmarc.example.com") == .name("_dmarc.example.com"))
    }

    @Test(
        "forbidden IPv4 ranges",
        arguments: [
            "0.0.0.0", "0.1.2.3", "10.0.0.1", "10.255.255.255", "100.64.0.1", "100.127.255.254", "127.0.0.1",
            "127.255.0.9", "169.254.169.254", "169.254.0.1", "172.16.0.1", "172.31.255.255", "192.0.0.8",
            "192.0.2.1", "192.88.99.1", "192.168.1.1", "198.18.0.1", "198.19.255.255", "198.51.100.7",
            "203.0.113.9", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
        ])
    func forbiddenV4(text: String) throws {
        let address = try #require(Self.v4(text))
        #expect(AddressPolicy.classify(address) != nil, "\(text) allowed")
        #expect(AddressPolicy(allowPrivateAddresses: true).refusal(for: address) == nil)
    }

    @Test(
        "public IPv4 addresses are allowed, including the edges of forbidden ranges",
        arguments: [
            "8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0", "192.169.0.1",
            "198.17.255.255", "198.20.0.0", "223.255.255.255", "11.0.0.1", "126.255.255.255", "128.0.0.1",
        ])
    func allowedV4(text: String) throws {
        #expect(AddressPolicy.classify(try #require(Self.v4(text))) == nil, "\(text) refused")
    }

    @Test(
        "forbidden IPv6 addresses",
        arguments: [
            "::", "::1", "::127.0.0.1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
            "64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b:1::1", "2002:7f00:1::", "2002:a9fe:a9fe::1",
            "2002:c0a8:101::1",
            "2001::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:2::1", "2001:10::1", "2001:db8::1", "3fff::1",
            "fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "fec0::1", "ff02::1", "ff05::1:3", "100::1", "::2",
        ])
    func forbiddenV6(text: String) throws {
        let address = try #require(IPAddress.parseIPv6(text))
        #expect(AddressPolicy.classify(address) != nil, "\(text) allowed")
    }

    @Test(
        "public IPv6 addresses are allowed, and mapped/NAT64/6to4 forms of public IPv4",
        arguments: [
            "2606:4700::1111", "2a00:1450:4001::200e", "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808",
            "2002:808:808::1",
        ])
    func allowedV6(text: String) throws {
        #expect(AddressPolicy.classify(try #require(IPAddress.parseIPv6(text))) == nil, "\(text) refused")
    }

    @Test("URLs: https only, no userinfo, ports, targets")
    func urls() throws {
        let url = try FetchURL.parse("HTTPS://Files.Example.com/a/b.pdf?sig=x#frag")
        #expect(url.scheme == "https" && url.host == .name("files.example.com") && url.port == 443)
        #expect(url.target == "/a/b.pdf?sig=x")
        #expect(url.description == "https://files.example.com", "no path or query in descriptions")
        #expect(try FetchURL.parse("https://example.com").target == "/")
        #expect(try FetchURL.parse("https://example.com?x=1").target == "/?x=1")
        #expect(try FetchURL.parse("https://example.com:8443/x").hostHeader == "example.com:8443")
        #expect(try FetchURL.parse("https://[2606:4700::1111]:8443/").hostHeader == "[2606:4700::1111]:8443")
        #expect(try FetchURL.parse("http://example.com/", allowPlainHTTP: true).port == 80)
    }

    @Test(
        "refused URLs",
        arguments: [
            "http://example.com/", "ftp://example.com/", "file:///etc/passwd", "gopher://x/", "//example.com/",
            "example.com", "https://user:pass@example.com/", "https://user@example.com/", "https://example.com:0/",
            "https://example.com:65536/", "https://example.com:+80/", "https://example.com:8o/",
            "https://exa mple.com/",
            "https://example.com\\@evil.com/", "https://example.com/\u{0}", "https://éxample.com/", "https:///path",
            "https://[::1/", "https://[::1]x/", "jar:https://x/!/", "https://" + String(repeating: "a", count: 5000),
        ])
    func refusedURLs(text: String) {
        #expect(throws: FetchError.invalidURL) { try FetchURL.parse(text) }
    }

    @Test("redirect Locations resolve against the current URL and are parsed again")
    func redirects() throws {
        let base = try FetchURL.parse("https://a.example/dir/file.pdf?x=1")
        #expect(try base.resolving(location: "https://b.example/y").host == .name("b.example"))
        #expect(try base.resolving(location: "//c.example/z").host == .name("c.example"))
        #expect(try base.resolving(location: "/root?q").target == "/root?q")
        #expect(try base.resolving(location: "other.pdf").target == "/dir/other.pdf")
        #expect(throws: FetchError.invalidRedirect) { try base.resolving(location: "http://b.example/") }
        #expect(throws: FetchError.invalidRedirect) { try base.resolving(location: "https://u:p@b.example/") }
        #expect(throws: FetchError.invalidRedirect) { try base.resolving(location: "") }
        #expect(throws: FetchError.invalidRedirect) { try base.resolving(location: "file:///etc/passwd") }
    }
}
