import NIOCore

/// The `host:port` of a name server; the host is an IP literal (no name lookup to find the resolver).
public struct DNSServerAddress: Hashable, Sendable, CustomStringConvertible {
    /// An IPv4 or IPv6 literal (without brackets).
    public var host: String
    public var port: Int

    public init(host: String, port: Int = 53) {
        self.host = host
        self.port = port
    }

    /// Parses the `DNS_RESOLVER` setting: `1.2.3.4`, `1.2.3.4:5353`, `::1`, `[::1]:5353`.
    ///
    /// Returns `nil` for anything else (a host name, a port outside 1...65535).
    public init?(setting: String) {
        let text = setting.trimmingSpaces
        guard !text.isEmpty else { return nil }
        var host = text
        var port = 53
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let value = Int(rest.dropFirst()) else { return nil }
                port = value
            }
            guard Self.isIPv6Literal(host) else { return nil }
        } else if text.filter({ $0 == ":" }).count == 1 {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            host = String(parts[0])
            guard let value = Int(parts[1]) else { return nil }
            port = value
            guard Self.isIPv4Literal(host) else { return nil }
        } else {
            guard Self.isIPv4Literal(host) || Self.isIPv6Literal(host) else { return nil }
        }
        guard (1...65535).contains(port) else { return nil }
        self.init(host: host, port: port)
    }

    /// The first `nameserver` line of a resolv.conf text, `nil` when there is none usable.
    public static func firstNameserver(inResolvConf text: String) -> DNSServerAddress? {
        for line in text.split(whereSeparator: \.isNewline) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 2, words[0] == "nameserver" else { continue }
            // A scoped IPv6 address (fe80::1%eth0) cannot be used without its interface: skip it.
            if let address = DNSServerAddress(setting: String(words[1])) { return address }
        }
        return nil
    }

    static func isIPv4Literal(_ text: String) -> Bool {
        !text.contains(":") && Self.isIPLiteral(text)
    }

    static func isIPv6Literal(_ text: String) -> Bool {
        text.contains(":") && !text.contains("%") && Self.isIPLiteral(text)
    }

    /// `inet_pton` through NIO: parses only, no name lookup, no I/O.
    private static func isIPLiteral(_ text: String) -> Bool {
        guard text.utf8.count <= 45 else { return false }
        return (try? SocketAddress(ipAddress: text, port: 0)) != nil
    }

    public var description: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(self.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
