/// A `BLUEPRINT_USER_LIMITS` entry that cannot be used; the message names the entry.
public struct RateLimitSettingError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String

    init(_ message: String) {
        self.message = message
    }

    public var description: String { self.message }
}
