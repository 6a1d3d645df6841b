/// A violation of the SMTP or message format rules, found by the pure protocol code.
///
/// Messages never contain the offending value: header values and addresses may be personal data.
public struct SMTPProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: String, Sendable, Hashable {
        case malformedReply, replyTooLong, tooManyLines, invalidAddress, headerInjection, invalidHeader, invalidMessage
    }

    private let code: Code
    /// A human-readable explanation, free of personal data.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The server sent bytes that are not an SMTP reply.
    public static func malformedReply(_ message: String) -> Self { Self(.malformedReply, message) }
    /// A reply line exceeded the parser's limit.
    public static func replyTooLong(limit: Int) -> Self { Self(.replyTooLong, "reply line longer than \(limit) bytes") }
    /// A multi-line reply exceeded the parser's limit.
    public static func tooManyLines(limit: Int) -> Self { Self(.tooManyLines, "reply with more than \(limit) lines") }
    /// An address is not a valid mailbox (`field` names where it came from: `to`, `from`).
    public static func invalidAddress(_ field: String, _ why: String) -> Self { Self(.invalidAddress, "invalid address in '\(field)': \(why)") }
    /// CR, LF or NUL in a header value or address: refused so no header can be injected.
    public static func headerInjection(_ field: String) -> Self {
        Self(.headerInjection, "refused: '\(field)' contains a line break or NUL (header injection)")
    }
    /// A header name or value is not acceptable.
    public static func invalidHeader(_ field: String, _ why: String) -> Self { Self(.invalidHeader, "invalid header '\(field)': \(why)") }
    /// The message as a whole cannot be built.
    public static func invalidMessage(_ why: String) -> Self { Self(.invalidMessage, why) }

    /// A short stable label safe for metrics (`header_injection`).
    public var shortDescription: String { self.code.rawValue }

    public var description: String { self.message }
}
