/// Where an S3-compatible service listens: scheme, host and port, without a path.
public struct S3Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// `http` or `https`.
    public let scheme: String
    /// Host name or IP (an IPv6 literal keeps its brackets).
    public let host: String
    /// The port, `nil` for the scheme's default.
    public let port: Int?

    /// Parses `http(s)://host[:port][/]`; anything else (a path, a query, user info) is refused.
    public init(parsing text: String) throws(StorageError) {
        let scheme: String
        let rest: Substring
        if text.lowercased().hasPrefix("https://") {
            scheme = "https"
            rest = text.dropFirst("https://".count)
        } else if text.lowercased().hasPrefix("http://") {
            scheme = "http"
            rest = text.dropFirst("http://".count)
        } else {
            throw .invalidConfiguration("the endpoint must start with http:// or https://")
        }
        var authority = rest
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        guard !authority.isEmpty else { throw .invalidConfiguration("the endpoint has no host") }
        guard
            !authority.contains(where: {
                "/?#@ \\".contains($0) || $0.isNewline || $0.asciiValue.map({ $0 < 0x20 || $0 == 0x7F }) == true
            })
        else {
            throw .invalidConfiguration("the endpoint must be scheme://host[:port] (no path, query or user info)")
        }
        var host = authority
        var port: Int? = nil
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw .invalidConfiguration("the endpoint's IPv6 host has no ]")
            }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .invalidConfiguration("the endpoint's port is malformed") }
                port = try Self.port(after.dropFirst())
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            port = try Self.port(authority[authority.index(after: colon)...])
        }
        guard !host.isEmpty, host.count <= 253 else { throw .invalidConfiguration("the endpoint has no valid host") }
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = port
    }

    private static func port(_ text: Substring) throws(StorageError) -> Int {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy(\.isASCII), let value = Int(text),
            (1...65535).contains(value)
        else {
            throw .invalidConfiguration("the endpoint's port must be 1...65535")
        }
        return value
    }

    /// `host` or `host:port` as sent in the `Host` header (the port only when not the scheme's default).
    public var hostHeader: String {
        guard let port, !(self.scheme == "http" && port == 80), !(self.scheme == "https" && port == 443) else {
            return self.host
        }
        return "\(self.host):\(port)"
    }

    /// `scheme://host[:port]`.
    public var description: String { "\(self.scheme)://\(self.hostHeader)" }
}
