#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 or IPv6 address, as bytes in network order.
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// An IPv4 address; `a.b.c.d` is `a << 24 | b << 16 | c << 8 | d`.
    case v4(UInt32)
    /// An IPv6 address: exactly 16 bytes.
    case v6([UInt8])

    /// `a.b.c.d` from four octets.
    public static func v4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> IPAddress {
        .v4(UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d))
    }

    /// Parses IPv6 text (without brackets or zone) with `inet_pton`; `nil` when it is not IPv6.
    public static func parseIPv6(_ text: String) -> IPAddress? {
        guard text.utf8.count <= 64, !text.contains("%") else { return nil }
        var storage = in6_addr()
        let parsed = text.withCString { inet_pton(AF_INET6, $0, &storage) }
        guard parsed == 1 else { return nil }
        return .v6(withUnsafeBytes(of: &storage) { Array($0) })
    }

    /// The dotted-quad or RFC 5952 text form.
    public var description: String {
        switch self {
        case .v4(let value):
            return "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
        case .v6(let bytes):
            var storage = in6_addr()
            withUnsafeMutableBytes(of: &storage) { raw in
                for (index, byte) in bytes.prefix(16).enumerated() { raw[index] = byte }
            }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, &storage, &text, socklen_t(text.count)) != nil else { return "?" }
            return String(decoding: text.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}
