/// Which IP addresses an outbound fetch may connect to: only public unicast addresses.
///
/// Pure; applied to the literal host of a URL and to EVERY address a name resolves to (one
/// forbidden address refuses the whole name: a DNS answer mixing a public and an internal address
/// is an attack, not a fallback).
///
/// IPv4 refused: `0/8` this network, `10/8`, `172.16/12`, `192.168/16` private, `100.64/10` CGNAT,
/// `127/8` loopback, `169.254/16` link-local (cloud metadata `169.254.169.254`), `192.0.0/24` IETF
/// protocol assignments, `192.0.2/24`, `198.51.100/24`, `203.0.113/24` documentation,
/// `192.88.99/24` 6to4 relay, `198.18/15` benchmarking, `224/4` multicast, `240/4` reserved and
/// `255.255.255.255` broadcast.
///
/// IPv6: only global unicast `2000::/3` is allowed, minus `2001::/23` (IETF assignments: Teredo
/// `2001::/32`, benchmarking, ORCHID), `2001:db8::/32` and `3fff::/20` documentation, and
/// `2002::/16` 6to4 when the embedded IPv4 address is refused. Addresses that carry an IPv4
/// address are judged by it: IPv4-mapped `::ffff:0:0/96` and NAT64 `64:ff9b::/96`. Everything
/// else is refused: `::`, `::1`, IPv4-compatible `::/96`, `64:ff9b:1::/48` local NAT64, discard
/// `100::/64`, ULA `fc00::/7`, link-local `fe80::/10`, site-local `fec0::/10`, multicast `ff00::/8`.
public struct AddressPolicy: Sendable, Hashable {
    /// Allows every address (loopback, private...). For tests only (`FILES_ALLOW_PRIVATE_ADDRESSES`).
    public var allowPrivateAddresses: Bool

    public init(allowPrivateAddresses: Bool = false) {
        self.allowPrivateAddresses = allowPrivateAddresses
    }

    /// Why `address` is refused, or `nil` when it may be contacted.
    public func refusal(for address: IPAddress) -> String? {
        if self.allowPrivateAddresses { return nil }
        return Self.classify(address)
    }

    /// Why `address` is not a public unicast address, or `nil` when it is one.
    public static func classify(_ address: IPAddress) -> String? {
        switch address {
        case .v4(let value): return Self.classifyV4(value)
        case .v6(let bytes): return Self.classifyV6(bytes)
        }
    }

    private static let v4Ranges: [(base: UInt32, prefix: Int, reason: String)] = [
        (0x0000_0000, 8, "\"this network\" 0.0.0.0/8"),
        (0x0A00_0000, 8, "private 10.0.0.0/8"),
        (0x6440_0000, 10, "carrier-grade NAT 100.64.0.0/10"),
        (0x7F00_0000, 8, "loopback 127.0.0.0/8"),
        (0xA9FE_0000, 16, "link-local 169.254.0.0/16 (cloud metadata)"),
        (0xAC10_0000, 12, "private 172.16.0.0/12"),
        (0xC000_0000, 24, "IETF protocol assignments 192.0.0.0/24"),
        (0xC000_0200, 24, "documentation 192.0.2.0/24"),
        (0xC058_6300, 24, "6to4 relay anycast 192.88.99.0/24"),
        (0xC0A8_0000, 16, "private 192.168.0.0/16"),
        (0xC612_0000, 15, "benchmarking 198.18.0.0/15"),
        (0xC633_6400, 24, "documentation 198.51.100.0/24"),
        (0xCB00_7100, 24, "documentation 203.0.113.0/24"),
        (0xE000_0000, 4, "multicast 224.0.0.0/4"),
        (0xFFFF_FFFF, 32, "broadcast 255.255.255.255"),
        (0xF000_0000, 4, "reserved 240.0.0.0/4"),
    ]

    private static func classifyV4(_ value: UInt32) -> String? {
        for range in Self.v4Ranges {
            let mask: UInt32 = range.prefix == 0 ? 0 : ~UInt32(0) << (32 - range.prefix)
            if value & mask == range.base { return range.reason }
        }
        return nil
    }

    private static func classifyV6(_ bytes: [UInt8]) -> String? {
        guard bytes.count == 16 else { return "malformed IPv6 address" }
        func embeddedV4(at offset: Int) -> UInt32 {
            UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
                | UInt32(bytes[offset + 3])
        }
        func starts(with prefix: [UInt8]) -> Bool { bytes.starts(with: prefix) }
        let zeros10 = [UInt8](repeating: 0, count: 10)
        // ::ffff:a.b.c.d (IPv4-mapped): the IPv4 stack is used, judge the IPv4 address.
        if starts(with: zeros10 + [0xFF, 0xFF]) {
            return Self.classifyV4(embeddedV4(at: 12)).map { "IPv4-mapped \($0)" }
        }
        // 64:ff9b::a.b.c.d (NAT64): the gateway connects to the IPv4 address.
        if starts(with: [0x00, 0x64, 0xFF, 0x9B] + [UInt8](repeating: 0, count: 8)) {
            return Self.classifyV4(embeddedV4(at: 12)).map { "NAT64 \($0)" }
        }
        if bytes.allSatisfy({ $0 == 0 }) { return "unspecified ::" }
        if starts(with: [UInt8](repeating: 0, count: 15) + [1]) { return "loopback ::1" }
        if starts(with: zeros10 + [0, 0]) { return "IPv4-compatible ::/96 (deprecated)" }
        // Global unicast 2000::/3 only.
        guard bytes[0] & 0xE0 == 0x20 else {
            switch bytes[0] {
            case 0xFF: return "multicast ff00::/8"
            case 0xFC, 0xFD: return "unique local fc00::/7"
            case 0xFE where bytes[1] & 0xC0 == 0x80: return "link-local fe80::/10"
            case 0xFE where bytes[1] & 0xC0 == 0xC0: return "site-local fec0::/10"
            default: return "not global unicast (outside 2000::/3)"
            }
        }
        if bytes[0] == 0x20, bytes[1] == 0x01, bytes[2] == 0x0D, bytes[3] == 0xB8 {
            return "documentation 2001:db8::/32"
        }
        if bytes[0] == 0x20, bytes[1] == 0x01, bytes[2] & 0xFE == 0x00 {
            if bytes[2] == 0, bytes[3] == 0 { return "Teredo 2001::/32" }
            return "IETF protocol assignments 2001::/23"
        }
        if bytes[0] == 0x3F, bytes[1] == 0xFF, bytes[2] & 0xF0 == 0x00 { return "documentation 3fff::/20" }
        // 2002:a.b.c.d::/48 (6to4): the relay delivers to the embedded IPv4 address.
        if bytes[0] == 0x20, bytes[1] == 0x02 {
            return Self.classifyV4(embeddedV4(at: 2)).map { "6to4 \($0)" }
        }
        return nil
    }
}
