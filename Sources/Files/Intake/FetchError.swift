/// Why fetching a URL failed.
///
/// A struct with a private code (STYLE.md): compare with the static values
/// (`error == .forbiddenAddress`). ``message`` names the host at most, never the path or query
/// (signed URLs carry credentials there). ``isTransient`` tells a retry policy whether trying
/// again later may help.
public struct FetchError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case invalidURL = "invalid_url"
        case forbiddenAddress = "forbidden_address"
        case resolutionFailed = "resolution_failed"
        case connectFailed = "connect_failed"
        case tooManyRedirects = "too_many_redirects"
        case invalidRedirect = "invalid_redirect"
        case httpStatus = "http_status"
        case tooLarge = "too_large"
        case timedOut = "timed_out"
        case transport = "transport"
        case fileWrite = "file_write"
    }

    private let code: Code
    /// One line, safe for job results and logs.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The kind of failure as a fixed string, safe for metric labels.
    public var shortDescription: String { self.code.rawValue }

    public var description: String { self.message }

    /// `true` for failures that may pass on a later try (DNS, connect, timeouts, resets, 5xx/429).
    public var isTransient: Bool {
        switch self.code {
        case .resolutionFailed, .connectFailed, .timedOut, .transport, .httpStatus: self.retryableStatus
        case .invalidURL, .forbiddenAddress, .tooManyRedirects, .invalidRedirect, .tooLarge, .fileWrite: false
        }
    }

    private var retryableStatus: Bool {
        guard self.code == .httpStatus else { return true }
        return self.status.map { $0 >= 500 || $0 == 429 || $0 == 408 } ?? false
    }

    /// The HTTP status of an ``httpStatus`` error.
    public var status: Int? {
        guard self.code == .httpStatus else { return nil }
        return Int(self.message.split(separator: " ").last ?? "")
    }

    public static func == (lhs: FetchError, rhs: FetchError) -> Bool { lhs.code == rhs.code }

    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }

    // MARK: Values to compare with

    /// Not an acceptable URL (scheme, userinfo, host syntax, port).
    public static let invalidURL = FetchError(.invalidURL, "invalid URL")
    /// The host is, or resolves to, an address that must not be contacted (loopback, private...).
    public static let forbiddenAddress = FetchError(.forbiddenAddress, "the host is not a public address")
    /// The name did not resolve.
    public static let resolutionFailed = FetchError(.resolutionFailed, "the host name did not resolve")
    /// No connection could be made (refused, unreachable, TLS handshake or certificate failure).
    public static let connectFailed = FetchError(.connectFailed, "cannot connect")
    /// More redirects than allowed.
    public static let tooManyRedirects = FetchError(.tooManyRedirects, "too many redirects")
    /// A redirect without a usable `Location`.
    public static let invalidRedirect = FetchError(.invalidRedirect, "invalid redirect")
    /// A final status other than 2xx.
    public static let httpStatus = FetchError(.httpStatus, "unexpected HTTP status")
    /// The body is larger than the cap.
    public static let tooLarge = FetchError(.tooLarge, "the file is too large")
    /// The whole fetch took longer than its time cap.
    public static let timedOut = FetchError(.timedOut, "the fetch took too long")
    /// The connection failed mid-response or the response was malformed.
    public static let transport = FetchError(.transport, "the transfer failed")
    /// The destination file could not be written.
    public static let fileWrite = FetchError(.fileWrite, "cannot write the file")

    // MARK: Constructors with details

    static func invalidURL(_ detail: String) -> FetchError { .init(.invalidURL, "invalid URL: \(detail)") }

    static func forbiddenAddress(host: String, _ reason: String) -> FetchError {
        .init(.forbiddenAddress, "\(host.prefix(253)) is not a public address (\(reason))")
    }

    static func resolutionFailed(host: String, _ detail: String) -> FetchError {
        .init(.resolutionFailed, "\(host.prefix(253)) did not resolve: \(detail)")
    }

    static func connectFailed(host: String, _ detail: String) -> FetchError {
        .init(.connectFailed, "cannot connect to \(host.prefix(253)): \(detail.prefix(200))")
    }

    static func tooManyRedirects(_ limit: Int) -> FetchError {
        .init(.tooManyRedirects, "more than \(limit) redirects")
    }

    static func invalidRedirect(_ detail: String) -> FetchError {
        .init(.invalidRedirect, "invalid redirect: \(detail)")
    }

    static func httpStatus(host: String, _ status: Int) -> FetchError {
        .init(.httpStatus, "\(host.prefix(253)) answered HTTP status \(status)")
    }

    static func tooLarge(limit: Int) -> FetchError { .init(.tooLarge, "the file is larger than \(limit) bytes") }

    static func timedOut(after timeout: Duration) -> FetchError {
        .init(.timedOut, "the fetch took longer than \(timeout)")
    }

    static func transport(host: String, _ detail: String) -> FetchError {
        .init(.transport, "the transfer from \(host.prefix(253)) failed: \(detail.prefix(200))")
    }

    static func fileWrite(_ detail: String) -> FetchError {
        .init(.fileWrite, "cannot write the file: \(detail.prefix(200))")
    }
}
