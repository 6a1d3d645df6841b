import AsyncHTTPClient
import Logging
import Tracing
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one outbound HTTP client of a worker process: every call to Vault, alert webhooks, SMS
/// providers, storage and social APIs goes through it.
///
/// One AsyncHTTPClient instance with pooled keep-alive connections per host, a connect timeout,
/// a deadline per call (covering the body too, not only the response head) and a cap on response
/// bodies. Redirects are never followed and bodies are not decompressed.
///
/// It is a `Service`: ``run()`` waits for the graceful shutdown and then shuts the client down,
/// so list it *before* the services that use it in the `ServiceGroup` (services stop in reverse
/// order). Code that runs before the group (reading secrets at start-up) makes its own client
/// and calls ``shutdown()`` when done.
public final class OutboundHTTPClient: Service, Sendable {
    /// The underlying client, for callers that need streaming bodies.
    public let client: HTTPClient
    /// The settings it was made with.
    public let configuration: OutboundHTTPConfiguration
    let logger: Logger

    /// Creates the client; ``run()`` (or ``shutdown()``) must eventually be called.
    public init(
        configuration: OutboundHTTPConfiguration = .init(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.configuration = configuration
        self.logger = logger
        var ahc = HTTPClient.Configuration()
        // No read timeout: every call has a whole-call deadline (`execute`), which may be longer
        // than any fixed idle-read limit.
        ahc.timeout = .init(connect: TimeAmount(configuration.connectTimeout), read: nil)
        ahc.connectionPool = .init(
            idleTimeout: TimeAmount(configuration.idleTimeout),
            concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.connectionsPerHost)
        // Redirects are not followed: a redirect to an unchecked host is a classic SSRF path.
        ahc.redirectConfiguration = .disallow
        ahc.decompression = .disabled
        // A client span per call (and `traceparent` on the request) when a tracer is bootstrapped;
        // the URL's path and query are never recorded. No tracer: no span, nothing injected.
        let tracer = InstrumentationSystem.tracer
        ahc.tracing.tracer = tracer is NoOpTracer ? nil : URLRedactingTracer(wrapped: tracer)
        self.client = HTTPClient(eventLoopGroup: eventLoopGroup, configuration: ahc, backgroundActivityLogger: logger)
    }

    /// A client dropped without ``shutdown()`` (a start that failed half-way, a shutdown that was
    /// cancelled) is closed here instead of leaking its connections; AsyncHTTPClient keeps itself
    /// alive until that completes. After a normal shutdown this is a no-op (the future fails with
    /// `alreadyShutdown`, ignored).
    deinit {
        _ = self.client.shutdown()
    }

    /// Waits for the graceful shutdown (or cancellation), then closes every connection.
    public func run() async throws {
        try? await gracefulShutdown()
        try await self.shutdown()
    }

    /// Closes every connection; later calls fail with ``OutboundHTTPError/transport``. Calling it
    /// again does nothing.
    public func shutdown() async throws {
        do {
            try await self.client.shutdown()
        } catch let error as HTTPClientError where error == .alreadyShutdown {
            return
        }
    }

    /// Sends `request` and reads the whole response (up to the body cap) within its deadline.
    ///
    /// Any HTTP status is a response; only transport failures throw.
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
        let prepared = outbound
        return try await self.withDeadline(host: host, timeout: timeout, limit: limit) {
            let response = try await self.client.execute(prepared, timeout: TimeAmount(timeout), logger: self.logger)
            let body = try await response.body.collect(upTo: limit)
            return OutboundResponse(status: Int(response.status.code), headers: response.headers, body: body)
        }
    }

    /// Runs `call` within `timeout`, mapping whatever it throws to ``OutboundHTTPError``.
    ///
    /// AHC's deadline ends when the response head arrives; the race with a timer makes it cover
    /// the body as well (a server dripping bytes cannot hold a call forever).
    func withDeadline<Value: Sendable>(
        host: String, timeout: Duration, limit: Int, _ call: @escaping @Sendable () async throws -> Value
    ) async throws(OutboundHTTPError) -> Value {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        do {
            return try await withThrowingTaskGroup(of: Value?.self) { group in
                group.addTask { try await call() }
                group.addTask {
                    try await Task.sleep(until: deadline, clock: .continuous)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let value = first else { throw DeadlineReached() }
                return value
            }
        } catch {
            throw Self.map(error, host: host, timeout: timeout, limit: limit)
        }
    }

    /// Thrown by the deadline timer of ``withDeadline(host:timeout:limit:_:)``.
    private struct DeadlineReached: Error {}

    /// Maps an AsyncHTTPClient / NIO error to ours. `HTTPClientError` is a struct with a private
    /// code: it is matched with `==` against its static values.
    static func map(_ error: any Error, host: String, timeout: Duration, limit: Int) -> OutboundHTTPError {
        switch error {
        case is DeadlineReached:
            return .timedOut(host: host, after: timeout)
        case let error as OutboundHTTPError:
            return error
        case is BodyTooLarge:
            return .responseTooLarge(host: host, limit: limit)
        case let error as CallerStreamFailure:
            return .callerStream("\(error.underlying)")
        case is NIOTooManyBytesError:
            return .responseTooLarge(host: host, limit: limit)
        case let error as NIOConnectionError:
            let detail =
                error.connectionErrors.first.map { "\($0.error)" } ?? error.dnsAAAAError.map { "\($0)" }
                ?? error.dnsAError.map { "\($0)" }
            return .connectFailed(host: host, detail ?? "no address")
        case let error as IOError
        where [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, ETIMEDOUT].contains(error.errnoCode):
            return .connectFailed(host: host, "\(error)")
        case let error as ChannelError:
            if case .connectTimeout = error { return .connectFailed(host: host, "connect timed out") }
            return .transport(host: host, "\(error)")
        case let error as HTTPClientError:
            if error == .deadlineExceeded || error == .readTimeout || error == .writeTimeout
                || error == .getConnectionFromPoolTimeout
            {
                return .timedOut(host: host, after: timeout)
            }
            if error == .connectTimeout || error == .tlsHandshakeTimeout {
                return .connectFailed(host: host, "timed out")
            }
            if error == .cancelled {
                return .cancelled(host: host)
            }
            return .transport(host: host, "\(error)")
        case is CancellationError:
            return .cancelled(host: host)
        default:
            return .transport(host: host, "\(error)")
        }
    }
}

extension TimeAmount {
    /// `duration` in whole nanoseconds, saturating at `Int64.max`.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let (nanos, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow {
            self = .nanoseconds(seconds < 0 ? .min : .max)
        } else {
            let (sum, overflowSum) = nanos.addingReportingOverflow(attoseconds / 1_000_000_000)
            self = .nanoseconds(overflowSum ? (seconds < 0 ? .min : .max) : sum)
        }
    }
}
