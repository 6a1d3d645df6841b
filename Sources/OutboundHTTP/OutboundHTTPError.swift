/// Why an outbound HTTP call failed before a response could be read.
///
/// A struct with a private code (STYLE.md): compare with the static values, e.g.
/// `error.code == OutboundHTTPError.timedOut(...).code`, or use ``kind``.
public struct OutboundHTTPError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a value safe for metric labels.
    public enum Kind: String, Sendable {
        case invalidURL = "invalid_url"
        case connectFailed = "connect_failed"
        case timedOut = "timed_out"
        case responseTooLarge = "response_too_large"
        case transport = "transport"
    }

    /// What went wrong.
    public let kind: Kind
    /// One line naming the host, never a credential or a body.
    public let message: String

    private init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The URL is not an absolute http(s) URL.
    public static func invalidURL(_ text: String) -> OutboundHTTPError {
        .init(.invalidURL, "not an absolute http(s) URL: \(text.prefix(100))")
    }

    /// The connection could not be made.
    public static func connectFailed(host: String, _ detail: String) -> OutboundHTTPError {
        .init(.connectFailed, "cannot connect to \(host): \(detail)")
    }

    /// No complete response within the deadline.
    public static func timedOut(host: String, after timeout: Duration) -> OutboundHTTPError {
        .init(.timedOut, "\(host) did not answer within \(timeout)")
    }

    /// The response body was larger than the cap.
    public static func responseTooLarge(host: String, limit: Int) -> OutboundHTTPError {
        .init(.responseTooLarge, "the response of \(host) is larger than \(limit) bytes")
    }

    /// Any other transport failure (connection reset, TLS...).
    public static func transport(host: String, _ detail: String) -> OutboundHTTPError {
        .init(.transport, "HTTP call to \(host) failed: \(detail)")
    }

    public var description: String { self.message }
}
