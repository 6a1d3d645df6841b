/// Why an outbound HTTP call failed before a whole response could be read.
///
/// A struct with a private code (STYLE.md), like AsyncHTTPClient's `HTTPClientError`. Two errors
/// are equal when they are the same kind of failure, whatever their message, so compare with the
/// static values: `error == .timedOut`. ``shortDescription`` is safe for metric labels;
/// ``message`` names the host, never a path, a credential or a body.
public struct OutboundHTTPError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case invalidURL = "invalid_url"
        case connectFailed = "connect_failed"
        case timedOut = "timed_out"
        case responseTooLarge = "response_too_large"
        case cancelled = "cancelled"
        case transport = "transport"
        case callerStream = "caller_stream"
    }

    private let code: Code
    /// One line naming the host, never a credential or a body.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The kind of failure as a fixed string (`timed_out`, `connect_failed`...), safe for metric labels.
    public var shortDescription: String { self.code.rawValue }

    public var description: String { self.message }

    /// Same kind of failure (the message is not compared).
    public static func == (lhs: OutboundHTTPError, rhs: OutboundHTTPError) -> Bool { lhs.code == rhs.code }

    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }

    // MARK: Values to compare with

    /// The URL is not an absolute http(s) URL.
    public static let invalidURL = OutboundHTTPError(.invalidURL, "not an absolute http(s) URL")
    /// No connection could be made (refused, unreachable, DNS, TLS handshake, connect timeout).
    public static let connectFailed = OutboundHTTPError(.connectFailed, "cannot connect")
    /// No complete response within the call's deadline.
    public static let timedOut = OutboundHTTPError(.timedOut, "no answer in time")
    /// The response body was larger than the call's cap.
    public static let responseTooLarge = OutboundHTTPError(.responseTooLarge, "response too large")
    /// The calling task was cancelled.
    public static let cancelled = OutboundHTTPError(.cancelled, "cancelled")
    /// Any other transport failure (connection reset, malformed response, client shut down...).
    public static let transport = OutboundHTTPError(.transport, "HTTP call failed")

    /// The caller's streamed request body or response consumer failed (e.g. a local file could
    /// not be read or written); see ``OutboundHTTPClient/execute(_:streamingBody:length:)``.
    public static let callerStream = OutboundHTTPError(.callerStream, "the caller's stream failed")

    // MARK: Constructors with details

    static func invalidURL(_ text: String) -> OutboundHTTPError {
        .init(.invalidURL, "not an absolute http(s) URL: \(text.prefix(100))")
    }

    static func connectFailed(host: String, _ detail: String) -> OutboundHTTPError {
        .init(.connectFailed, "cannot connect to \(host): \(detail)")
    }

    static func timedOut(host: String, after timeout: Duration) -> OutboundHTTPError {
        .init(.timedOut, "\(host) did not answer within \(timeout)")
    }

    static func responseTooLarge(host: String, limit: Int) -> OutboundHTTPError {
        .init(.responseTooLarge, "the response of \(host) is larger than \(limit) bytes")
    }

    static func cancelled(host: String) -> OutboundHTTPError {
        .init(.cancelled, "the call to \(host) was cancelled")
    }

    static func transport(host: String, _ detail: String) -> OutboundHTTPError {
        .init(.transport, "HTTP call to \(host) failed: \(detail)")
    }

    static func callerStream(_ detail: String) -> OutboundHTTPError {
        .init(.callerStream, "the caller's body stream failed: \(detail.prefix(300))")
    }
}
