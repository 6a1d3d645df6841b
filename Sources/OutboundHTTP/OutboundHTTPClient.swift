import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// The one outbound HTTP client of a worker process: every call to Vault, alert webhooks, SMS
/// providers, storage and social APIs goes through it.
///
/// One AsyncHTTPClient instance with pooled keep-alive connections per host, a connect timeout,
/// a deadline per call and a cap on response bodies. It is a `Service`: ``run()`` waits for the
/// graceful shutdown and then shuts the client down, so list it *before* the services that use
/// it in the `ServiceGroup` (services stop in reverse order).
public final class OutboundHTTPClient: Service, Sendable {
    /// The underlying client, for callers that need streaming bodies.
    public let client: HTTPClient
    /// The settings it was made with.
    public let configuration: OutboundHTTPConfiguration
    private let logger: Logger

    /// Creates the client; ``run()`` (or ``shutdown()``) must eventually be called.
    public init(
        configuration: OutboundHTTPConfiguration = .init(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.configuration = configuration
        self.logger = logger
        var ahc = HTTPClient.Configuration()
        ahc.timeout = .init(
            connect: .nanoseconds(Int64(configuration.connectTimeout.nanoseconds)),
            read: .nanoseconds(Int64(configuration.requestTimeout.nanoseconds)))
        ahc.connectionPool = .init(
            idleTimeout: .nanoseconds(Int64(configuration.idleTimeout.nanoseconds)),
            concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.connectionsPerHost)
        // Redirects are not followed: a redirect to an unchecked host is a classic SSRF path.
        ahc.redirectConfiguration = .disallow
        ahc.decompression = .disabled
        self.client = HTTPClient(eventLoopGroup: eventLoopGroup, configuration: ahc, backgroundActivityLogger: logger)
    }

    /// Waits for the graceful shutdown (or cancellation), then closes every connection.
    public func run() async throws {
        try? await gracefulShutdown()
        try await self.shutdown()
    }

    /// Closes every connection; later calls fail.
    public func shutdown() async throws {
        try await self.client.shutdown()
    }

    /// Sends `request` and reads the whole response (up to the body cap) within its deadline.
    public func execute(_ request: OutboundRequest) async throws(OutboundHTTPError) -> OutboundResponse {
        guard request.url.hasPrefix("http://") || request.url.hasPrefix("https://") else {
            throw .invalidURL(request.url)
        }
        let host = request.host
        let timeout = request.timeout ?? self.configuration.requestTimeout
        let limit = request.maximumResponseBytes ?? self.configuration.maximumResponseBytes
        var outbound = HTTPClientRequest(url: request.url)
        outbound.method = request.method
        outbound.headers = request.headers
        if let body = request.body {
            outbound.body = .bytes(body)
        }
        do {
            let response = try await self.client.execute(outbound, timeout: .nanoseconds(Int64(timeout.nanoseconds)), logger: self.logger)
            let body = try await response.body.collect(upTo: limit)
            return OutboundResponse(status: Int(response.status.code), headers: response.headers, body: body)
        } catch let error as HTTPClientError {
            if error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
                throw .timedOut(host: host, after: timeout)
            }
            if error == .connectTimeout {
                throw .connectFailed(host: host, "timed out")
            }
            throw .transport(host: host, "\(error)")
        } catch is NIOTooManyBytesError {
            throw .responseTooLarge(host: host, limit: limit)
        } catch let error as NIOConnectionError {
            throw .connectFailed(host: host, "\(error.connectionErrors.first.map { "\($0.error)" } ?? "refused")")
        } catch let error as ChannelError {
            throw .transport(host: host, "\(error)")
        } catch {
            if error is CancellationError { throw .timedOut(host: host, after: timeout) }
            throw .transport(host: host, "\(error)")
        }
    }
}

extension Duration {
    /// Whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue &+ attoseconds / 1_000_000_000
    }
}
