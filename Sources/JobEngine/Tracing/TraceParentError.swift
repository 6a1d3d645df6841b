/// Why a `traceparent` value was refused. Messages never repeat the value (it is producer input).
public struct TraceParentError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case tooLong, truncated, malformed, invalidVersion, invalidTraceID, invalidSpanID, invalidFlags
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    /// Longer than ``TraceParent/maximumLength``.
    public static let tooLong = TraceParentError(.tooLong)
    /// Shorter than the 55 characters of version 00.
    public static let truncated = TraceParentError(.truncated)
    /// Separators missing or misplaced, or extra characters after a version-00 value.
    public static let malformed = TraceParentError(.malformed)
    /// Not two lowercase hex digits, or the forbidden version `ff`.
    public static let invalidVersion = TraceParentError(.invalidVersion)
    /// Not 32 lowercase hex digits, or all zero.
    public static let invalidTraceID = TraceParentError(.invalidTraceID)
    /// Not 16 lowercase hex digits, or all zero.
    public static let invalidSpanID = TraceParentError(.invalidSpanID)
    /// Not two lowercase hex digits.
    public static let invalidFlags = TraceParentError(.invalidFlags)

    public var description: String {
        switch self.code {
        case .tooLong: "traceparent is longer than \(TraceParent.maximumLength) characters"
        case .truncated: "traceparent is shorter than 55 characters"
        case .malformed: "traceparent is not version-trace_id-parent_id-flags"
        case .invalidVersion: "traceparent version is not two lowercase hex digits other than ff"
        case .invalidTraceID: "traceparent trace ID is not 32 lowercase hex digits, or is all zero"
        case .invalidSpanID: "traceparent parent ID is not 16 lowercase hex digits, or is all zero"
        case .invalidFlags: "traceparent flags are not two lowercase hex digits"
        }
    }
}
