import NIOCore
import NIOSSL
import RESP

/// How to reach and log in to a Redis server.
public struct RedisConfiguration: Sendable {
    /// Where the server listens.
    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        case unixSocket(path: String)
    }

    public var endpoint: Endpoint
    /// Standalone or Redis Cluster; a cluster's seeds are in the mode, ``endpoint`` is its first seed.
    public var mode: Mode = .standalone
    /// How often a cluster client re-reads the topology even without a `MOVED` or a lost
    /// connection (cluster mode only).
    public var clusterRefreshInterval: TimeAmount = .seconds(30)
    /// Bound on the `MOVED` / `ASK` / `TRYAGAIN` / `CLUSTERDOWN` retries of one command (cluster mode only).
    public var clusterMaximumRedirections: Int = 16
    /// TLS for `rediss://`; `nil` for plain TCP.
    public var tls: TLSConfiguration?
    /// Name checked against the server certificate (defaults to the host).
    public var tlsServerHostname: String?
    /// ACL user (Redis 6+); `nil` means the `default` user.
    public var username: String?
    /// Password; never logged.
    public var password: String?
    /// Logical database selected after connecting.
    public var database: Int
    /// `CLIENT SETNAME` of every connection (shows in `CLIENT LIST`).
    public var clientName: String?
    /// Time allowed to connect and finish the handshake.
    public var connectTimeout: TimeAmount
    /// Time allowed for a reply to a non-blocking command before the connection is deemed stuck.
    public var commandTimeout: TimeAmount
    /// Added to a blocking command's own block time to get its reply deadline.
    public var blockingMargin: TimeAmount
    /// Multiplexed connections in the pool; commands are pipelined over them.
    public var poolSize: Int
    /// Idle dedicated connections kept for blocking commands and exclusive leases; more are opened on demand.
    public var maximumIdleBlockingConnections: Int
    /// Dedicated connections open at once, for blocking commands
    /// (``RedisClient/sendBlocking(_:blockFor:)``) and exclusive leases
    /// (``RedisClient/withConnection(_:)``) together. Past it, callers wait for one to be released,
    /// up to ``connectTimeout``, then fail with ``RedisClientError/tooManyBlockingConnections(limit:)``.
    public var maximumBlockingConnections: Int
    /// Replies one connection may owe before new commands wait (a pipeline counts each command).
    ///
    /// Waiting commands are not sent yet; each is written as replies drain, or fails with
    /// ``RedisClientError/tooManyPendingRequests(limit:)`` when its timeout passes first. A larger
    /// pipeline is still sent, alone, once the connection owes nothing.
    public var maximumPendingRequestsPerConnection: Int
    /// How often each pooled connection is checked with `PING`.
    public var healthCheckInterval: TimeAmount
    /// The protocol asked for at connect: `.resp3` (the default) sends `HELLO 3` and falls back to
    /// RESP2 when the server refuses it; `.resp2` never sends `HELLO` (RESP2 `AUTH` and
    /// `CLIENT SETNAME`), for servers and proxies that mishandle it. Sentinel connections use it too.
    public var preferredProtocol: RedisConnection.ProtocolVersion = .resp3
    /// Bounds of the decoder (bulk size, nesting depth).
    public var decoderLimits: RESPDecoder.Limits
    /// Sentinel mode: the master is found through these sentinels before each connect and
    /// ``endpoint`` is ignored; `nil` (the default) connects to ``endpoint``.
    public var sentinel: RedisSentinelConfiguration?

    public init(
        endpoint: Endpoint = .tcp(host: "127.0.0.1", port: 6379),
        tls: TLSConfiguration? = nil,
        username: String? = nil,
        password: String? = nil,
        database: Int = 0,
        clientName: String? = nil,
        connectTimeout: TimeAmount = .seconds(5),
        commandTimeout: TimeAmount = .seconds(10),
        blockingMargin: TimeAmount = .seconds(5),
        poolSize: Int = 2,
        maximumIdleBlockingConnections: Int = 8,
        maximumBlockingConnections: Int = 64,
        maximumPendingRequestsPerConnection: Int = 10_000,
        healthCheckInterval: TimeAmount = .seconds(5)
    ) {
        self.endpoint = endpoint
        self.tls = tls
        self.username = username
        self.password = password
        self.database = database
        self.clientName = clientName
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.blockingMargin = blockingMargin
        self.poolSize = max(1, poolSize)
        self.maximumIdleBlockingConnections = maximumIdleBlockingConnections
        self.maximumBlockingConnections = max(1, maximumBlockingConnections)
        self.maximumPendingRequestsPerConnection = max(1, maximumPendingRequestsPerConnection)
        self.healthCheckInterval = healthCheckInterval
        self.decoderLimits = RESPDecoder.Limits()
    }

    /// Parses `redis://[user:pass@]host:port[/db]`, `rediss://...` (TLS) or `unix:///path/to.sock[?db=N]`;
    /// for Redis Cluster `redis+cluster://[user:pass@]host:port,host:port,...` (any nodes as
    /// seeds; `rediss+cluster://` or `?tls=1` for TLS); for Sentinel
    /// `redis+sentinel://[user:pass@]host:port,host:port/mastername[/db]` (see ``RedisSentinelConfiguration``).
    ///
    /// - Throws: ``RedisClientError`` naming what is wrong; the password is never echoed.
    public init(url: String) throws {
        self.init()
        let schemeParts = url.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
        guard schemeParts.count == 2 else { throw RedisClientError.invalidURL("missing scheme") }
        let scheme = schemeParts[0].lowercased()
        var rest = schemeParts[1]
        var query: Substring = ""
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        let queryItems = Dictionary(
            query.split(separator: "&").map { pair -> (String, String) in
                let parts = pair.split(separator: "=", maxSplits: 1)
                return (String(parts[0]), parts.count > 1 ? Self.percentDecode(parts[1]) : "")
            }, uniquingKeysWith: { _, last in last })

        switch scheme {
        case "unix":
            guard rest.hasPrefix("/") else { throw RedisClientError.invalidURL("unix socket path must be absolute") }
            self.endpoint = .unixSocket(path: String(rest))
            if let db = queryItems["db"] {
                guard let n = Int(db), n >= 0 else { throw RedisClientError.invalidURL("database must be a number") }
                self.database = n
            }
            return
        case "redis", "rediss", "redis+cluster", "rediss+cluster":
            break
        case "redis+sentinel", "rediss+sentinel":
            self = try Self.parseSentinelURL(scheme: scheme, rest: schemeParts[1])
            return
        default:
            throw RedisClientError.invalidURL("scheme must be redis, rediss, redis+cluster, rediss+cluster, redis+sentinel, rediss+sentinel or unix")
        }
        let isCluster = scheme.hasSuffix("+cluster")
        let isTLS = scheme.hasPrefix("rediss") || (isCluster && (queryItems["tls"] == "1" || queryItems["tls"] == "true"))
        var authority = rest
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            path = rest[rest.index(after: slash)...]
        }
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            authority = authority[authority.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                let user = Self.percentDecode(userInfo[..<colon])
                self.username = user.isEmpty ? nil : user
                self.password = Self.percentDecode(userInfo[userInfo.index(after: colon)...])
            } else if !userInfo.isEmpty {
                self.password = Self.percentDecode(userInfo)
            }
        }
        if isCluster {
            let seeds = try authority.split(separator: ",", omittingEmptySubsequences: false).map { hostPort in
                let (host, port) = try Self.parseHostPort(hostPort)
                return Endpoint.tcp(host: host, port: port)
            }
            guard seeds.count <= 64 else { throw RedisClientError.invalidURL("more than 64 cluster seeds") }
            self.endpoint = seeds[0]
            self.mode = .cluster(seeds: seeds)
            if !path.isEmpty, path != "0" {
                throw RedisClientError.invalidURL("a Redis Cluster has only database 0")
            }
        } else {
            let (host, port) = try Self.parseHostPort(authority)
            self.endpoint = .tcp(host: host, port: port)
            if !path.isEmpty {
                guard let db = Int(path), db >= 0 else { throw RedisClientError.invalidURL("database must be a number") }
                self.database = db
            }
        }
        if isTLS {
            var tls = TLSConfiguration.makeClientConfiguration()
            if let caFile = queryItems["ca_file"] ?? queryItems["tls_ca_file"] {
                tls.trustRoots = .file(caFile)
            }
            if queryItems["insecure"] == "1" || queryItems["insecure"] == "true" {
                tls.certificateVerification = .none
            }
            self.tls = tls
            if case .tcp(let host, _) = self.endpoint {
                self.tlsServerHostname = queryItems["sni"] ?? (isCluster ? nil : host)
            }
        }
    }

    /// `host`, `host:port` or `[v6]:port` (port 6379 when absent).
    private static func parseHostPort(_ authority: Substring) throws -> (String, Int) {
        var host = String(authority)
        var port = 6379
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw RedisClientError.invalidURL("unterminated IPv6 host") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()), (1...65535).contains(p) else { throw RedisClientError.invalidURL("bad port") }
                port = p
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else {
                throw RedisClientError.invalidURL("bad port")
            }
            port = p
        }
        guard !host.isEmpty else { throw RedisClientError.invalidURL("missing host") }
        return (host, port)
    }

    /// The name sent as SNI and checked against the server certificate: ``tlsServerHostname``,
    /// else the endpoint's host. `nil` for an IP address, which SNI cannot carry (NIOSSL refuses
    /// it); the certificate is then checked against the address connected to.
    var tlsServerName: String? {
        var name = self.tlsServerHostname
        if name == nil, case .tcp(let host, _) = self.endpoint { name = host }
        guard let name, !name.isEmpty, (try? SocketAddress(ipAddress: name, port: 0)) == nil else { return nil }
        return name
    }

    /// `%XX` decoded (URL user info and query values); an invalid escape is kept as it is.
    static func percentDecode(_ s: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(s.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let h = iterator.next(), let l = iterator.next(),
                let value = UInt8(String(decoding: [h, l], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

