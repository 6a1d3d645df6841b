import DomainLists

/// Free-mail and disposable-mail domains, refused for work-email verification (level 2).
///
/// The lists live in the `DomainLists` target (shared with the company-domain verification): add
/// a domain there. A subdomain of a listed domain is refused too (`mx.mailinator.com`).
public enum FreeMailDomains {
    /// The listed domains (free-mail and disposable).
    public static let domains: Set<String> = DomainLists.freeMail.union(DomainLists.disposable)

    /// Whether `domain` (or a parent domain of it) is free-mail or disposable.
    public static func contains(_ domain: String) -> Bool {
        DomainLists.isFreeMail(domain) || DomainLists.isDisposable(domain)
    }
}
