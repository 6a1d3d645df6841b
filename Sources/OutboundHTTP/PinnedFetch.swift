import Logging
import NIOCore
import NIOFileSystem
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A minimal HTTP/1.1 GET client that connects to ONE given IP address and streams the body to a
/// file: the building block of SSRF-safe fetching of user-supplied URLs.
///
/// The one exception to "every outbound HTTP call goes through the shared ``OutboundHTTPClient``":
/// to fetch a URL a user gave, the caller resolves the name, checks every address, and must then
/// connect to exactly the address it checked. Resolving again at connect time (as AsyncHTTPClient
/// does; its `dnsOverride` is client-wide, not per request) lets a DNS-rebinding server answer a
/// public address to the check and `127.0.0.1` to the connection. Here the address is pinned while
/// TLS still verifies the certificate, and sends SNI, for the URL's host NAME (`serverHostname`).
///
/// NIOSSL also accepts a certificate whose IP-address SAN names the connected address; that
/// address was itself checked by the caller, so this does not widen what can be reached.
///
/// Deliberately small: one request per connection (`Connection: close`), no redirects (the
/// caller re-validates each `Location`), no decompression, a byte cap checked against
/// `Content-Length` first and then while streaming, and one deadline for the whole exchange. It
/// shares the event loop group of the ``OutboundHTTPClient``.
public struct PinnedFetch: Sendable {
    /// One GET to a pinned address.
    public struct Request: Sendable {
        /// The checked address to connect to (the port included).
        public var address: SocketAddress
        /// The URL's host name: for the `Host` header, SNI and certificate verification. `nil` for
        /// an IP-literal URL (the certificate is then checked against the address).
        public var serverName: String?
        /// The `Host` header value (`name` or `name:port`).
        public var hostHeader: String
        /// Path and query.
        public var target: String
        /// `true` for https.
        public var useTLS: Bool
        /// Extra request headers.
        public var headers: HTTPHeaders
        /// The body cap in bytes.
        public var maximumBytes: Int
        /// When the whole exchange must be over.
        public var deadline: ContinuousClock.Instant

        public init(
            address: SocketAddress, serverName: String?, hostHeader: String, target: String, useTLS: Bool,
            headers: HTTPHeaders = [:], maximumBytes: Int, deadline: ContinuousClock.Instant
        ) {
            self.address = address
            self.serverName = serverName
            self.hostHeader = hostHeader
            self.target = target
            self.useTLS = useTLS
            self.headers = headers
            self.maximumBytes = maximumBytes
            self.deadline = deadline
        }
    }

    /// The response head, and how many body bytes were written (only for a 2xx status: other
    /// bodies are not read).
    public struct Response: Sendable {
        public var status: Int
        public var headers: HTTPHeaders
        public var bodyBytes: Int
    }

    private let eventLoopGroup: any EventLoopGroup
    private let sslContext: NIOSSLContext
    private let connectTimeout: Duration
    private let logger: Logger

    /// - Parameters:
    ///   - tlsConfiguration: full certificate verification against the system roots unless a
    ///     test gives its own CA.
    public init(
        eventLoopGroup: any EventLoopGroup, tlsConfiguration: TLSConfiguration = .makeClientConfiguration(),
        connectTimeout: Duration = .seconds(10), logger: Logger
    ) throws {
        self.eventLoopGroup = eventLoopGroup
        self.sslContext = try NIOSSLContext(configuration: tlsConfiguration)
        self.connectTimeout = connectTimeout
        self.logger = logger
    }

    /// Uses the event loop group of the shared client.
    public init(
        sharing client: OutboundHTTPClient, tlsConfiguration: TLSConfiguration = .makeClientConfiguration(),
        logger: Logger
    ) throws {
        try self.init(
            eventLoopGroup: client.client.eventLoopGroup, tlsConfiguration: tlsConfiguration,
            connectTimeout: client.configuration.connectTimeout, logger: logger)
    }

    /// Sends the GET and, for a 2xx status, streams the body into a new file at `path` (replaced if
    /// it exists). Any status is a response; only transport failures throw.
    ///
    /// - Throws: ``OutboundHTTPError/connectFailed`` (refused, TLS or certificate failure),
    ///   ``OutboundHTTPError/responseTooLarge`` (as soon as the cap is passed: the file then holds a
    ///   partial body the caller must delete), ``OutboundHTTPError/timedOut``,
    ///   ``OutboundHTTPError/transport``.
    public func get(_ request: Request, writingBodyTo path: String) async throws(OutboundHTTPError) -> Response {
        let host = request.serverName ?? "\(request.address.ipAddress ?? "?")"
        let channel = try await self.connect(request, host: host)
        let timeout = request.deadline - ContinuousClock.now
        do {
            return try await withThrowingTaskGroup(of: Response?.self) { group in
                group.addTask {
                    try await channel.executeThenClose { inbound, outbound in
                        try await Self.exchange(request, path: path, host: host, inbound: inbound, outbound: outbound)
                    }
                }
                group.addTask {
                    try await Task.sleep(until: request.deadline, clock: .continuous)
                    return nil
                }
                defer {
                    group.cancelAll()
                    // Ends a body that is still dripping in (cancellation alone may not).
                    channel.channel.close(promise: nil)
                }
                guard let first = try await group.next(), let response = first else {
                    throw OutboundHTTPError.timedOut(host: host, after: timeout)
                }
                return response
            }
        } catch let error as OutboundHTTPError {
            throw error
        } catch let error as NIOSSLError {
            throw .connectFailed(host: host, "TLS: \(error)")
        } catch let error as NIOSSLExtraError {
            throw .connectFailed(host: host, "TLS: \(error)")
        } catch let error as BoringSSLError {
            throw .connectFailed(host: host, "TLS: \(error)")
        } catch is CancellationError {
            throw .cancelled(host: host)
        } catch {
            throw .transport(host: host, "\(error)")
        }
    }

    private static func exchange(
        _ request: Request, path: String, host: String,
        inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>,
        outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    ) async throws -> Response {
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: request.target)
        head.headers = request.headers
        head.headers.replaceOrAdd(name: "Host", value: request.hostHeader)
        head.headers.replaceOrAdd(name: "Connection", value: "close")
        head.headers.replaceOrAdd(name: "Accept-Encoding", value: "identity")
        var iterator = inbound.makeAsyncIterator()
        do {
            try await outbound.write(contentsOf: [.head(head), .end(nil)])
        } catch {
            // A failed TLS handshake (certificate, name) closes the channel, so the write fails
            // with "I/O on closed channel"; the handshake error itself ends the inbound stream.
            _ = try await iterator.next()
            throw error
        }
        var responseHead: HTTPResponseHead?
        // Skips interim 1xx responses.
        while responseHead == nil {
            guard let part = try await iterator.next() else {
                throw OutboundHTTPError.transport(host: host, "connection closed before a response")
            }
            guard case .head(let candidate) = part else {
                throw OutboundHTTPError.transport(host: host, "response body before its head")
            }
            if candidate.status.code >= 200 || candidate.status.code < 100 { responseHead = candidate }
        }
        guard let responseHead else { throw OutboundHTTPError.transport(host: host, "no response") }
        let status = Int(responseHead.status.code)
        guard (200..<300).contains(status) else {
            return Response(status: status, headers: responseHead.headers, bodyBytes: 0)
        }
        if let declared = responseHead.headers.first(name: "content-length") {
            guard let length = Int(declared), length >= 0 else {
                throw OutboundHTTPError.transport(host: host, "invalid Content-Length")
            }
            guard length <= request.maximumBytes else {
                throw OutboundHTTPError.responseTooLarge(host: host, limit: request.maximumBytes)
            }
        }
        let limit = request.maximumBytes
        let written: Int
        do {
            written = try await FileSystem.shared.withFileHandle(
                forWritingAt: FilePath(path), options: .newFile(replaceExisting: true)
            ) { file in
                var writer = file.bufferedWriter(capacity: .kibibytes(256))
                var total = 0
                while true {
                    guard let part = try await iterator.next() else {
                        throw OutboundHTTPError.transport(host: host, "connection closed mid-body")
                    }
                    switch part {
                    case .body(let chunk):
                        total += chunk.readableBytes
                        guard total <= limit else {
                            throw OutboundHTTPError.responseTooLarge(host: host, limit: limit)
                        }
                        try await writer.write(contentsOf: chunk)
                    case .end:
                        try await writer.flush()
                        return total
                    case .head:
                        throw OutboundHTTPError.transport(host: host, "a second response head")
                    }
                }
            }
        } catch let error as FileSystemError {
            throw OutboundHTTPError.transport(host: host, "cannot write the body: \(error.code)")
        }
        return Response(status: status, headers: responseHead.headers, bodyBytes: written)
    }

    private func connect(_ request: Request, host: String) async throws(OutboundHTTPError)
        -> NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
    {
        let sslContext = self.sslContext
        let remaining = request.deadline - ContinuousClock.now
        guard remaining > .zero else { throw .timedOut(host: host, after: .zero) }
        do {
            return try await ClientBootstrap(group: self.eventLoopGroup)
                .connectTimeout(TimeAmount(min(self.connectTimeout, remaining)))
                .connect(to: request.address) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if request.useTLS {
                            let tls = try NIOSSLClientHandler(context: sslContext, serverHostname: request.serverName)
                            try channel.pipeline.syncOperations.addHandler(tls)
                        }
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                            wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            self.logger.debug(
                "pinned fetch connection failed", metadata: ["http.host": "\(host)", "error": "\(error)"])
            throw .connectFailed(host: host, "\(error)")
        }
    }
}
