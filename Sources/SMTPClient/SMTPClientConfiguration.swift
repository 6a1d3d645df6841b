import NIOCore

/// How to reach and authenticate to an SMTP relay.
public struct SMTPClientConfiguration: Sendable {
    /// How the connection is secured.
    public enum Security: String, Sendable {
        /// Plain TCP; only for loopback relays and tests.
        case none
        /// Plain TCP upgraded with STARTTLS (RFC 3207, port 587); refused if the server does not offer it.
        case startTLS = "starttls"
        /// TLS from the first byte (RFC 8314, port 465).
        case implicit
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    /// Never logged.
    public var password: String?
    /// PEM bundle of extra CAs to trust besides the system store (`SMTP_CA_FILE`).
    public var caFile: String?
    /// Name sent in EHLO.
    public var heloName: String = "localhost"
    public var connectTimeout: TimeAmount = .seconds(10)
    /// Longest wait for any one reply (the end of DATA included).
    public var commandTimeout: TimeAmount = .seconds(60)
    /// Most connections open at once.
    public var maximumConnections: Int = 4
    /// An idle pooled connection older than this is closed instead of reused (servers drop idle clients).
    public var maximumIdleTime: Duration = .seconds(50)
    /// Whether to send `PIPELINING` groups when the server offers it (on by default; off for benchmarks).
    public var usePipelining: Bool = true
    /// Whether to reuse connections across messages (on by default; off for benchmarks).
    public var reuseConnections: Bool = true

    public init(host: String, port: Int, security: Security, username: String? = nil, password: String? = nil, caFile: String? = nil) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.caFile = caFile
    }

    /// `host:port` for logs.
    public var displayName: String { "\(self.host):\(self.port)" }
}
