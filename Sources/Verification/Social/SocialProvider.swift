/// A social network whose accounts `verify_social` checks.
public enum SocialProvider: String, Sendable, Hashable, CaseIterable, Codable {
    case github, linkedin, twitter

    /// The circuit breaker of its API (one per provider).
    public var dependency: String { self.rawValue }

    /// The name people know it by, for reasons and errors.
    public var displayName: String {
        switch self {
        case .github: return "GitHub"
        case .linkedin: return "LinkedIn"
        case .twitter: return "X/Twitter"
        }
    }
}
