/// Why a storage call failed, classified for the caller.
///
/// A struct with a private code (STYLE.md). Compare with the static values (`error == .notFound`);
/// the message is not compared. ``isTransient`` tells a retry (and the `storage` circuit breaker)
/// apart from a permanent failure. ``message`` never holds a secret, a signature or a file's
/// contents; it names keys only by their length, since a key may carry a user's file name.
public struct StorageError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case notFound = "not_found"
        case invalidKey = "invalid_key"
        case invalidArgument = "invalid_argument"
        case tooLarge = "too_large"
        case refused = "refused"
        case unavailable = "unavailable"
        case invalidConfiguration = "invalid_configuration"
        case localFile = "local_file"
        case cancelled = "cancelled"
    }

    private let code: Code
    /// One line for logs and job results: no secret, no signature, no key text.
    public let message: String
    /// The HTTP status when a server answered, else `nil`.
    public let status: Int?
    /// The S3 error code (`AccessDenied`, `SignatureDoesNotMatch`...) when the server sent one.
    public let serverCode: String?

    private init(_ code: Code, _ message: String, status: Int? = nil, serverCode: String? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.serverCode = serverCode
    }

    /// The kind of failure as a fixed string (`not_found`, `unavailable`...), safe for metric labels.
    public var shortDescription: String { self.code.rawValue }

    public var description: String { self.message }

    /// `true` for a failure that may pass on retry (connection refused, timeout, 5xx, 429):
    /// the ones to count against the `storage` circuit breaker. Everything else is permanent.
    public var isTransient: Bool { self.code == .unavailable }

    /// Same kind of failure (the message, status and server code are not compared).
    public static func == (lhs: StorageError, rhs: StorageError) -> Bool { lhs.code == rhs.code }

    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }

    // MARK: Values to compare with

    /// No object under that key (permanent).
    public static let notFound = StorageError(.notFound, "no such object")
    /// The key breaks a rule of ``StorageKey`` (permanent).
    public static let invalidKey = StorageError(.invalidKey, "invalid storage key")
    /// Another argument is unusable, e.g. a content type with control characters (permanent).
    public static let invalidArgument = StorageError(.invalidArgument, "invalid argument")
    /// The object is larger than the caller's cap (permanent).
    public static let tooLarge = StorageError(.tooLarge, "object too large")
    /// The server refused the request: bad credentials, no permission, a 4xx (permanent).
    public static let refused = StorageError(.refused, "refused by the storage server")
    /// The storage cannot be reached or answered 5xx/429 or timed out (transient).
    public static let unavailable = StorageError(.unavailable, "storage unavailable")
    /// `STORAGE_URL` or the credentials cannot be used (permanent).
    public static let invalidConfiguration = StorageError(.invalidConfiguration, "invalid storage configuration")
    /// The caller's local file could not be read or written (permanent for this call).
    public static let localFile = StorageError(.localFile, "local file failed")
    /// The calling task was cancelled.
    public static let cancelled = StorageError(.cancelled, "cancelled")

    // MARK: Constructors with details

    static func invalidKey(_ reason: String) -> StorageError {
        .init(.invalidKey, "invalid storage key: \(reason)")
    }

    static func invalidArgument(_ reason: String) -> StorageError {
        .init(.invalidArgument, "invalid argument: \(reason)")
    }

    static func tooLarge(limit: Int, size: Int64?) -> StorageError {
        if let size {
            return .init(.tooLarge, "the object has \(size) bytes, more than the limit of \(limit)")
        }
        return .init(.tooLarge, "the object is larger than the limit of \(limit) bytes")
    }

    static func refused(status: Int, serverCode: String?, _ serverMessage: String?, operation: String) -> StorageError {
        var text = "the storage server refused \(operation) with HTTP \(status)"
        if let serverCode { text += " \(serverCode)" }
        if let serverMessage, !serverMessage.isEmpty { text += ": \(serverMessage.prefix(200))" }
        return .init(.refused, text, status: status, serverCode: serverCode)
    }

    static func unavailable(_ detail: String, status: Int? = nil, serverCode: String? = nil) -> StorageError {
        .init(.unavailable, "storage unavailable: \(detail.prefix(300))", status: status, serverCode: serverCode)
    }

    static func invalidConfiguration(_ reason: String) -> StorageError {
        .init(.invalidConfiguration, "invalid storage configuration: \(reason)")
    }

    static func localFile(_ detail: String) -> StorageError {
        .init(.localFile, "local file failed: \(detail.prefix(300))")
    }

    static func notFound(operation: String) -> StorageError {
        .init(.notFound, "no such object (\(operation))", status: 404)
    }
}
