/// The host of a URL to fetch, after normalisation: an IP address or a DNS name.
///
/// Hosts are read the way browsers and curl read them (WHATWG URL host parsing), so that no
/// spelling of an internal address slips past the address check: `0x7f000001`, `2130706433`,
/// `127.1`, `0177.0.0.1`, `127.0.0.1.` and `%31%32%37.0.0.1` are all `127.0.0.1`, and
/// `[::ffff:7f00:1]` is an IPv4-mapped `127.0.0.1`.
///
/// Refused outright: non-ASCII hosts (internationalised names must arrive as `xn--` punycode; this
/// also refuses full-width or other Unicode digits that some parsers fold into ASCII), IPv6 zone
/// ids, and anything that is neither an IP nor a valid DNS name.
public enum FetchHost: Sendable, Hashable, CustomStringConvertible {
    case ip(IPAddress)
    /// A lowercase DNS name without a trailing dot.
    case name(String)

    /// Parses the host part of a URL authority (brackets included for IPv6).
    public static func parse(_ raw: String) throws(FetchError) -> FetchHost {
        let decoded = try Self.percentDecode(raw)
        guard decoded.allSatisfy({ $0 < 0x80 }) else {
            throw .invalidURL("non-ASCII host (internationalised names must be given as xn-- punycode)")
        }
        guard decoded.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { throw .invalidURL("control characters in host") }
        var host = String(decoding: decoded, as: UTF8.self).lowercased()
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { throw .invalidURL("unclosed [ in host") }
            let inner = String(host.dropFirst().dropLast())
            guard !inner.contains("%") else { throw .invalidURL("IPv6 zone identifiers are not allowed") }
            guard let address = IPAddress.parseIPv6(inner) else { throw .invalidURL("invalid IPv6 address") }
            return .ip(address)
        }
        // Before dropping the trailing dot: `127.0.0.1.` is an address, `127.0.0.1..` is invalid.
        if Self.endsInANumber(host) {
            guard let address = Self.parseIPv4(host) else { throw .invalidURL("invalid IPv4 address") }
            return .ip(.v4(address))
        }
        if host.hasSuffix(".") { host.removeLast() }
        guard !host.isEmpty else { throw .invalidURL("empty host") }
        guard host.utf8.count <= 253 else { throw .invalidURL("host name too long") }
        for label in host.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.utf8.count <= 63, !label.hasPrefix("-"), !label.hasSuffix("-"),
                label.utf8.allSatisfy({ Self.isLabelByte($0) })
            else { throw .invalidURL("invalid host name") }
        }
        return .name(host)
    }

    public var description: String {
        switch self {
        case .ip(.v6(let bytes)): "[\(IPAddress.v6(bytes))]"
        case .ip(let address): "\(address)"
        case .name(let name): name
        }
    }

    /// The name to verify the certificate against and send in SNI; `nil` for an IP host.
    public var serverName: String? {
        if case .name(let name) = self { return name }
        return nil
    }

    private static func isLabelByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F
    }

    /// `%XX` decoding; a malformed escape is an error (never passed through).
    private static func percentDecode(_ text: String) throws(FetchError) -> [UInt8] {
        var output: [UInt8] = []
        var bytes = Array(text.utf8)[...]
        while let byte = bytes.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                output.append(byte)
                continue
            }
            guard bytes.count >= 2, let high = Self.hexValue(bytes.removeFirst()),
                let low = Self.hexValue(bytes.removeFirst())
            else { throw .invalidURL("malformed percent escape in host") }
            output.append(high << 4 | low)
        }
        return output
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    /// WHATWG "ends in a number": the last label is decimal digits or `0x` hex. Such a host is an
    /// IPv4 address or invalid, never a name.
    static func endsInANumber(_ host: String) -> Bool {
        var labels = host.split(separator: ".", omittingEmptySubsequences: false)
        if labels.last == "" {
            guard labels.count > 1 else { return false }
            labels.removeLast()
        }
        guard let last = labels.last, !last.isEmpty else { return false }
        if last.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return true }
        if last.hasPrefix("0x") { return last.dropFirst(2).utf8.allSatisfy({ Self.hexValue($0) != nil }) }
        return false
    }

    /// WHATWG IPv4 parsing: 1 to 4 parts, each decimal, octal (leading `0`) or hex (`0x`); the
    /// last part fills the remaining bytes (`127.1` = `127.0.0.1`, `2130706433` = `127.0.0.1`).
    static func parseIPv4(_ host: String) -> UInt32? {
        var parts = host.split(separator: ".", omittingEmptySubsequences: false)
        if parts.last == "" { parts.removeLast() }
        guard (1...4).contains(parts.count) else { return nil }
        var numbers: [UInt64] = []
        for part in parts {
            guard let number = Self.parseIPv4Number(part) else { return nil }
            numbers.append(number)
        }
        for number in numbers.dropLast() where number > 255 { return nil }
        let last = numbers.removeLast()
        guard last < (UInt64(1) << (8 * UInt64(5 - parts.count))) else { return nil }
        var address = last
        for (index, number) in numbers.enumerated() { address += number << (8 * UInt64(3 - index)) }
        return UInt32(address)
    }

    private static func parseIPv4Number(_ part: Substring) -> UInt64? {
        guard !part.isEmpty, part.utf8.count <= 40 else { return nil }
        var digits = part
        var radix = 10
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            digits = digits.dropFirst(2)
            radix = 16
        } else if digits.count > 1, digits.hasPrefix("0") {
            digits = digits.dropFirst()
            radix = 8
        }
        if digits.isEmpty { return 0 }
        // `UInt64(_:radix:)` would accept a sign.
        guard digits.utf8.allSatisfy({ Self.hexValue($0) != nil }) else { return nil }
        guard let value = UInt64(digits, radix: radix), value <= UInt64(UInt32.max) else { return nil }
        return value
    }
}
