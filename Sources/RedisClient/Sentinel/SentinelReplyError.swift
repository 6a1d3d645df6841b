/// A sentinel or data-node reply of a shape the Sentinel client cannot use.
///
/// Carries a short, safe description (no payload bytes beyond a bounded prefix).
public struct SentinelReplyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong.
    public let message: String

    init(_ message: String) { self.message = message }

    public var description: String { "SentinelReplyError: \(message)" }
}
