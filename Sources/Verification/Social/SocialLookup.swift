/// The answer of a provider about one account.
public enum SocialLookup: Sendable, Hashable, Codable {
    /// The account exists.
    case found(SocialAccount)
    /// No such account (404, or GraphQL `NOT_FOUND`): a verification failure, not an error.
    case notFound
    /// The user's access token was refused (401/403): a permanent answer for this job.
    case tokenRejected(status: Int)
}
