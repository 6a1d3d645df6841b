/// A URL accepted for fetching: `https` (or `http` when allowed, for tests), no userinfo, a
/// normalised ``FetchHost``, a port, and the request target (path and query; the fragment is
/// dropped).
///
/// Strict on purpose: ASCII only (a client percent-encodes), no spaces, no backslashes (browsers
/// read `\` as `/`, other parsers do not: a classic way to make two parsers disagree on the host).
public struct FetchURL: Sendable, Hashable, CustomStringConvertible {
    /// `https` or `http`.
    public let scheme: String
    public let host: FetchHost
    public let port: Int
    /// Path and query, starting with `/`.
    public let target: String

    /// The longest URL accepted.
    public static let maximumLength = 4096

    /// Whether the connection uses TLS.
    public var usesTLS: Bool { self.scheme == "https" }

    /// The `Host` header value (the port only when not the scheme's default).
    public var hostHeader: String {
        let defaultPort = self.usesTLS ? 443 : 80
        return self.port == defaultPort ? self.host.description : "\(self.host):\(self.port)"
    }

    /// Scheme, host and port only: no path or query (they may carry credentials).
    public var description: String { "\(self.scheme)://\(self.hostHeader)" }

    /// Parses `text`; `allowPlainHTTP` accepts `http://` (tests only).
    public static func parse(_ text: String, allowPlainHTTP: Bool = false) throws(FetchError) -> FetchURL {
        guard text.utf8.count <= Self.maximumLength else {
            throw .invalidURL("longer than \(Self.maximumLength) bytes")
        }
        guard text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .invalidURL("spaces, control or non-ASCII characters (percent-encode them)")
        }
        guard !text.contains("\\") else { throw .invalidURL("backslash in URL") }
        guard let schemeEnd = text.range(of: "://") else { throw .invalidURL("not an absolute URL") }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        switch scheme {
        case "https": break
        case "http" where allowPlainHTTP: break
        case "http": throw .invalidURL("only https URLs are fetched")
        default: throw .invalidURL("unsupported scheme (only https)")
        }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.contains("@") else { throw .invalidURL("credentials (userinfo) in URL") }
        let hostText: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidURL("unclosed [ in host") }
            hostText = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .invalidURL("junk after IPv6 address") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: ":") {
            hostText = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            hostText = authority
        }
        let host = try FetchHost.parse(String(hostText))
        var port = scheme == "https" ? 443 : 80
        if let portText, !portText.isEmpty {
            guard portText.utf8.count <= 5, portText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let value = Int(portText), (1...65535).contains(value)
            else { throw .invalidURL("invalid port") }
            port = value
        }
        var target = String(rest[authorityEnd...])
        if let hash = target.firstIndex(of: "#") { target = String(target[..<hash]) }
        if target.isEmpty { target = "/" }
        if target.hasPrefix("?") { target = "/" + target }
        return FetchURL(scheme: scheme, host: host, port: port, target: target)
    }

    /// Resolves a redirect `Location` against this URL (absolute, scheme-relative, absolute-path
    /// or relative-path forms), then parses the result like a first URL.
    public func resolving(location: String, allowPlainHTTP: Bool = false) throws(FetchError) -> FetchURL {
        let location = location.trimmingCharacters(in: " \t")
        guard !location.isEmpty else { throw .invalidRedirect("empty Location") }
        let absolute: String
        if location.contains("://") {
            absolute = location
        } else if location.hasPrefix("//") {
            absolute = "\(self.scheme):\(location)"
        } else if location.hasPrefix("/") {
            absolute = "\(self.scheme)://\(self.hostHeader)\(location)"
        } else {
            let path = self.target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "/"
            let directory = path.lastIndex(of: "/").map { path[...$0] } ?? "/"
            absolute = "\(self.scheme)://\(self.hostHeader)\(directory)\(location)"
        }
        do {
            return try FetchURL.parse(absolute, allowPlainHTTP: allowPlainHTTP)
        } catch {
            throw .invalidRedirect(error.message)
        }
    }
}
