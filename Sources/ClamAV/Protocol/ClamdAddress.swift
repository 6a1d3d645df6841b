/// Where clamd listens (`CLAMD_ADDRESS`): `tcp://host:port`, or a unix socket path
/// (`/run/clamav/clamd.ctl` or `unix:///run/clamav/clamd.ctl`).
public enum ClamdAddress: Sendable, Hashable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case unix(path: String)

    /// Parses `CLAMD_ADDRESS`. An IPv6 host is written in brackets: `tcp://[::1]:3310`.
    public static func parse(_ text: String) throws(ClamdError) -> ClamdAddress {
        let text = text.trimmingCharacters(in: " \t")
        if text.hasPrefix("unix://") {
            return try Self.unixPath(String(text.dropFirst("unix://".count)))
        }
        if text.hasPrefix("/") { return try Self.unixPath(text) }
        guard text.hasPrefix("tcp://") else {
            throw .invalidAddress("expected tcp://host:port or an absolute unix socket path")
        }
        var rest = Substring(text.dropFirst("tcp://".count))
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        let host: Substring
        let portText: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw .invalidAddress("unclosed [ in host") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            guard after.hasPrefix(":") else { throw .invalidAddress("missing port") }
            portText = after.dropFirst()
        } else {
            guard let colon = rest.lastIndex(of: ":") else { throw .invalidAddress("missing port") }
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.:_".contains($0)) })
        else { throw .invalidAddress("invalid host") }
        guard let port = Int(portText), (1...65535).contains(port) else { throw .invalidAddress("invalid port") }
        return .tcp(host: String(host), port: port)
    }

    private static func unixPath(_ path: String) throws(ClamdError) -> ClamdAddress {
        guard path.hasPrefix("/"), path.utf8.count < 108, !path.contains("\0") else {
            throw .invalidAddress("a unix socket path must be absolute and shorter than 108 bytes")
        }
        return .unix(path: path)
    }

    public var description: String {
        switch self {
        case .tcp(let host, let port): host.contains(":") ? "tcp://[\(host)]:\(port)" : "tcp://\(host):\(port)"
        case .unix(let path): path
        }
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        String(self.drop(while: { set.contains($0) }).reversed().drop(while: { set.contains($0) }).reversed())
    }
}
