extension RedisConfiguration {
    /// Parses `redis+sentinel://[user:pass@]host[:port],host[:port]/mastername[/db][?query]`
    /// (`rediss+sentinel://` for TLS).
    ///
    /// User info, database and the TLS query items (`ca_file`, `insecure`, `sni`) apply to the data
    /// nodes as in a `redis://` URL; `sentinel_username` and `sentinel_password` are the sentinels'
    /// login. Ports default to 26379. Only the master name and the sentinels are new.
    ///
    /// - Throws: ``RedisClientError`` naming what is wrong; never echoes a password.
    static func parseSentinelURL(scheme: String, rest: Substring) throws -> RedisConfiguration {
        var remainder = rest
        var query: Substring = ""
        if let q = remainder.firstIndex(of: "?") {
            query = remainder[remainder.index(after: q)...]
            remainder = remainder[..<q]
        }
        guard let slash = remainder.firstIndex(of: "/") else {
            throw RedisClientError.invalidURL(
                "sentinel URL needs the master name: redis+sentinel://host:port,host:port/mastername")
        }
        var authority = remainder[..<slash]
        let path = remainder[remainder.index(after: slash)...].split(separator: "/", omittingEmptySubsequences: false)
        guard let name = path.first, !name.isEmpty else {
            throw RedisClientError.invalidURL("missing sentinel master name")
        }
        guard name.count <= 256,
            name.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0.asciiValue.map { $0 > 32 && $0 < 127 } == true })
        else {
            throw RedisClientError.invalidURL("sentinel master name must be printable ASCII without spaces")
        }
        guard path.count <= 2 else { throw RedisClientError.invalidURL("sentinel URL path must be /mastername[/db]") }
        let database = path.count == 2 ? path[1] : ""
        var userInfo: Substring = ""
        if let at = authority.lastIndex(of: "@") {
            userInfo = authority[..<at]
            authority = authority[authority.index(after: at)...]
        }
        let hosts = authority.split(separator: ",", omittingEmptySubsequences: false)
        guard !hosts.isEmpty, hosts.count <= 64 else { throw RedisClientError.invalidURL("between 1 and 64 sentinels") }
        let sentinels = try hosts.map { try Self.parseSentinelAddress($0) }

        // The data nodes' login, database and TLS are those of a plain URL: let that parser read them,
        // with the first sentinel standing in for the host (replaced by the master before each connect).
        let inner =
            (scheme == "rediss+sentinel" ? "rediss://" : "redis://")
            + (userInfo.isEmpty ? "" : "\(userInfo)@") + "\(sentinels[0])"
            + (database.isEmpty ? "" : "/\(database)") + (query.isEmpty ? "" : "?\(query)")
        var configuration = try RedisConfiguration(url: inner)
        let items = Self.queryItems(query)
        if configuration.tls != nil {
            // Checked against each master's own host unless `sni=` names one.
            configuration.tlsServerHostname = items["sni"]
        }
        let sentinelUser = items["sentinel_username"].flatMap { $0.isEmpty ? nil : $0 }
        configuration.sentinel = RedisSentinelConfiguration(
            sentinels: sentinels, masterName: String(name), username: sentinelUser, password: items["sentinel_password"]
        )
        return configuration
    }

    private static func parseSentinelAddress(_ text: Substring) throws -> RedisSentinelConfiguration.Address {
        var host = text
        var port = RedisSentinelConfiguration.defaultPort
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw RedisClientError.invalidURL("unterminated IPv6 host")
            }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let p = Int(after.dropFirst()), (1...65535).contains(p) else {
                    throw RedisClientError.invalidURL("bad sentinel port")
                }
                port = p
            }
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            guard let p = Int(text[text.index(after: colon)...]), (1...65535).contains(p) else {
                throw RedisClientError.invalidURL("bad sentinel port")
            }
            port = p
        }
        guard !host.isEmpty else { throw RedisClientError.invalidURL("missing sentinel host") }
        guard host.count <= 255, !host.contains(where: { $0.isWhitespace || $0 == "@" || $0 == "/" }) else {
            throw RedisClientError.invalidURL("bad sentinel host")
        }
        return .init(host: String(host), port: port)
    }

    private static func queryItems(_ query: Substring) -> [String: String] {
        var items: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard let key = parts.first else { continue }
            items[String(key)] = parts.count > 1 ? RedisConfiguration.percentDecode(parts[1]) : ""
        }
        return items
    }
}

extension RedisConfiguration {
    /// Where connections go, for messages: `host:port` or the socket path, or in Sentinel mode
    /// `master NAME via sentinels h:p,h:p`. Never contains a password.
    public var targetDescription: String {
        guard let sentinel else { return self.endpoint.displayName }
        return "master \(sentinel.masterName) via sentinels "
            + sentinel.sentinels.map(\.description).joined(separator: ",")
    }
}
