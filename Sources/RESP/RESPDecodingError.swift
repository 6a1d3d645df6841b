/// Malformed RESP input. After this error the byte stream cannot be resynchronised: close the connection.
public struct RESPDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case unknownType, badInteger, badDouble, badBoolean, missingCRLF, lineTooLong
        case bulkTooLarge, aggregateTooLarge, tooDeep, badVerbatim, badLength
    }

    private let code: Code
    /// What was wrong, for logs; never contains more than a few bytes of the input.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A type byte that is not part of RESP2 or RESP3.
    public static func unknownType(_ byte: UInt8) -> Self {
        .init(.unknownType, "unknown RESP type byte 0x\(String(byte, radix: 16))")
    }
    /// A length or integer that is not a decimal number in range.
    public static let badInteger = Self(.badInteger, "invalid integer in RESP header")
    /// A double that is not a number, `inf`, `-inf` or `nan`.
    public static let badDouble = Self(.badDouble, "invalid RESP3 double")
    /// A boolean other than `#t` / `#f`.
    public static let badBoolean = Self(.badBoolean, "invalid RESP3 boolean")
    /// A bulk payload not followed by CRLF, or a line with a bare CR.
    public static let missingCRLF = Self(.missingCRLF, "expected CRLF after RESP payload")
    /// A header line longer than the configured limit.
    public static let lineTooLong = Self(.lineTooLong, "RESP line longer than the limit")
    /// A bulk length negative (other than -1) or above the configured cap.
    public static func bulkTooLarge(_ length: Int, limit: Int) -> Self {
        .init(.bulkTooLarge, "RESP bulk length \(length) exceeds the limit of \(limit) bytes")
    }
    /// An aggregate with more elements than the configured cap.
    public static func aggregateTooLarge(_ count: Int, limit: Int) -> Self {
        .init(.aggregateTooLarge, "RESP aggregate of \(count) elements exceeds the limit of \(limit)")
    }
    /// Aggregates nested deeper than the configured cap.
    public static func tooDeep(limit: Int) -> Self {
        .init(.tooDeep, "RESP nesting deeper than \(limit) levels")
    }
    /// A verbatim string without its `xxx:` format prefix.
    public static let badVerbatim = Self(.badVerbatim, "invalid RESP3 verbatim string")
    /// A negative length where none is allowed.
    public static let badLength = Self(.badLength, "invalid negative length in RESP header")

    public var description: String { "RESPDecodingError: \(message)" }
}
