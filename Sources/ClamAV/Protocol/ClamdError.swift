/// Why a clamd call failed.
///
/// A struct with a private code (STYLE.md): compare with the static values (`error == .unavailable`).
/// ``isTransient`` is what the caller's `clamd` circuit breaker counts: the scanner was
/// unreachable, slow or broken — retry later. A permanent error is about the file itself:
/// ``sizeLimitExceeded`` means the file is too large to scan, and an unscanned file must not be
/// stored (fail closed). ``message`` never contains file content.
public struct ClamdError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case unavailable = "unavailable"
        case timedOut = "timed_out"
        case invalidReply = "invalid_reply"
        case scanFailed = "scan_failed"
        case sizeLimitExceeded = "size_limit_exceeded"
        case fileUnreadable = "file_unreadable"
        case invalidAddress = "invalid_address"
    }

    private let code: Code
    /// One line for logs and job errors.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The kind of failure as a fixed string, safe for metric labels.
    public var shortDescription: String { self.code.rawValue }

    public var description: String { self.message }

    /// `true` when the scanner (not the file) is at fault: unreachable, closed the connection,
    /// too slow, answered garbage or reported an internal error. The breaker counts these.
    public var isTransient: Bool {
        switch self.code {
        case .unavailable, .timedOut, .invalidReply, .scanFailed: true
        case .sizeLimitExceeded, .fileUnreadable, .invalidAddress: false
        }
    }

    public static func == (lhs: ClamdError, rhs: ClamdError) -> Bool { lhs.code == rhs.code }

    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }

    // MARK: Values to compare with

    /// No connection, or the connection was closed before a reply (clamd down or restarting).
    public static let unavailable = ClamdError(.unavailable, "clamd is unavailable")
    /// No reply within the deadline.
    public static let timedOut = ClamdError(.timedOut, "clamd did not answer in time")
    /// A reply that is not clamd's protocol (garbage, truncated, overlong).
    public static let invalidReply = ClamdError(.invalidReply, "invalid reply from clamd")
    /// clamd answered `... ERROR` for a reason other than the size limit.
    public static let scanFailed = ClamdError(.scanFailed, "clamd could not scan")
    /// The file is longer than clamd's `StreamMaxLength`: it cannot be scanned, so it must be refused.
    public static let sizeLimitExceeded = ClamdError(.sizeLimitExceeded, "the file is too large to scan")
    /// The local file could not be opened or read.
    public static let fileUnreadable = ClamdError(.fileUnreadable, "the file to scan cannot be read")
    /// `CLAMD_ADDRESS` is neither `tcp://host:port` nor a unix socket path.
    public static let invalidAddress = ClamdError(.invalidAddress, "invalid clamd address")

    // MARK: Constructors with details

    static func unavailable(_ detail: String) -> ClamdError { .init(.unavailable, "clamd is unavailable: \(detail)") }

    static func timedOut(after timeout: Duration) -> ClamdError {
        .init(.timedOut, "clamd did not answer within \(timeout)")
    }

    static func invalidReply(_ detail: String) -> ClamdError {
        .init(.invalidReply, "invalid reply from clamd: \(detail.prefix(200))")
    }

    static func scanFailed(_ detail: String) -> ClamdError {
        .init(.scanFailed, "clamd could not scan: \(detail.prefix(200))")
    }

    static func sizeLimitExceeded(_ detail: String) -> ClamdError {
        .init(.sizeLimitExceeded, "the file is too large to scan: \(detail)")
    }

    static func fileUnreadable(_ detail: String) -> ClamdError {
        .init(.fileUnreadable, "the file to scan cannot be read: \(detail)")
    }

    static func invalidAddress(_ detail: String) -> ClamdError {
        .init(.invalidAddress, "invalid clamd address: \(detail)")
    }
}
