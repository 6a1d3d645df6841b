import NIOCore

/// Settings of the shared outbound HTTP client.
public struct OutboundHTTPConfiguration: Sendable {
    /// Time to open a connection (TCP + TLS).
    public var connectTimeout: Duration = .seconds(5)
    /// Default whole-request deadline when a call names none.
    public var requestTimeout: Duration = .seconds(15)
    /// Largest response body read; a bigger one fails with ``OutboundHTTPError/responseTooLarge(limit:)``.
    public var maximumResponseBytes: Int = 4 << 20
    /// Idle keep-alive connections kept per host.
    public var connectionsPerHost: Int = 16
    /// How long an idle pooled connection is kept.
    public var idleTimeout: Duration = .seconds(60)

    /// The defaults.
    public init() {}
}
