/// Free-mail and disposable-mail domains: neither proves an address belongs to a company.
///
/// A subdomain of a listed domain is listed too (`mx.mailinator.com`). Lookups take the domain in
/// ASCII (punycode for IDNs), any case, with or without a trailing dot.
public enum DomainLists {
    /// The free-mail providers (`gmail.com`, `naver.com`...).
    public static let freeMail: Set<String> = parse(FreeMailDomainList.text)
    /// The disposable (throwaway) mail services (`mailinator.com`, `yopmail.com`...).
    public static let disposable: Set<String> = parse(DisposableDomainList.text)

    /// Whether `domain` or a parent domain of it is a free-mail provider.
    public static func isFreeMail(_ domain: String) -> Bool { self.matches(domain, in: self.freeMail) }

    /// Whether `domain` or a parent domain of it is a disposable-mail service.
    public static func isDisposable(_ domain: String) -> Bool { self.matches(domain, in: self.disposable) }

    static func matches(_ domain: String, in list: Set<String>) -> Bool {
        var labels = domain.lowercased().split(separator: ".")
        while labels.count >= 2 {
            if list.contains(labels.joined(separator: ".")) { return true }
            labels.removeFirst()
        }
        return false
    }

    static func parse(_ text: String) -> Set<String> {
        Set(
            text.split(whereSeparator: \.isNewline).map { $0.filter { !$0.isWhitespace }.lowercased() }.filter {
                !$0.isEmpty
            })
    }
}
