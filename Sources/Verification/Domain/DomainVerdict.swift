/// The outcome of a company-domain check.
public enum DomainVerdict: String, Codable, Sendable, Hashable {
    /// Every check asked for passed: a mail domain that is neither free-mail nor disposable, and,
    /// when a token was given, its TXT proof is published.
    case verified
    /// A usable company mail domain, but the TXT proof asked for is not (yet) published.
    case unverified
    /// Not a company mail domain: free-mail, disposable, nonexistent, or accepting no mail.
    case rejected
}
