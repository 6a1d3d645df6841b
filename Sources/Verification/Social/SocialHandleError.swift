/// Why a handle was refused (the message never repeats the handle: it may be hostile).
public struct SocialHandleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One line for the job's error.
    public let message: String

    public var description: String { self.message }

    static func invalid(_ provider: SocialProvider) -> SocialHandleError {
        switch provider {
        case .github:
            return .init(
                message: "argument 'handle' is not a valid GitHub login (1-39 letters, digits or single hyphens)")
        case .twitter:
            return .init(
                message: "argument 'handle' is not a valid X/Twitter username (1-15 letters, digits or underscores)")
        case .linkedin:
            return .noHandleLookup
        }
    }

    static let noHandleLookup = SocialHandleError(
        message: "LinkedIn accounts cannot be looked up by handle: give the user's 'access_token'")
}
