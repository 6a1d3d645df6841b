/// Settings of the shared outbound HTTP client.
public struct OutboundHTTPConfiguration: Sendable {
    /// Time to open a connection (TCP + TLS). Failed attempts are retried with a backoff within
    /// it; a call that gets no connection in this time fails with ``OutboundHTTPError/connectFailed``.
    public var connectTimeout: Duration = .seconds(5)
    /// Default deadline of a whole call (connect, response head and body) when a call names none.
    public var requestTimeout: Duration = .seconds(15)
    /// Largest response body read; a bigger one fails with ``OutboundHTTPError/responseTooLarge``.
    public var maximumResponseBytes: Int = 4 << 20
    /// Connections per host (a soft limit: AsyncHTTPClient's `concurrentHTTP1ConnectionsPerHostSoftLimit`).
    public var connectionsPerHost: Int = 16
    /// How long an idle pooled connection is kept.
    public var idleTimeout: Duration = .seconds(60)

    /// The defaults.
    public init() {}
}
