import Foundation

/// The checks of `verify_social` on a provider's answer: pure, on an injected "now".
public enum SocialChecks {
    /// Evaluates `lookup` against `expect`; `minimumAgeDays` is the setting's minimum, overridden
    /// by `expect.minAgeDays`.
    public static func evaluate(
        provider: SocialProvider, lookup: SocialLookup, expect: SocialExpectation, minimumAgeDays: Int, cached: Bool,
        now: Date
    ) -> VerifySocialResult {
        var checks = VerifySocialResult.Checks(exists: false, cached: cached)
        var reasons: [String] = []
        let account: SocialAccount
        switch lookup {
        case .notFound:
            return VerifySocialResult(
                provider: provider.rawValue, verified: false, account: nil, checks: checks,
                reasons: ["no \(provider.displayName) account with this handle"])
        case .tokenRejected(let status):
            return VerifySocialResult(
                provider: provider.rawValue, verified: false, account: nil, checks: checks,
                reasons: [
                    "\(provider.displayName) refused the access token (HTTP \(status)): expired, revoked or missing a scope"
                ])
        case .found(let found):
            account = found
        }
        checks.exists = true

        let minimum = expect.minAgeDays ?? minimumAgeDays
        if let created = account.createdAt {
            let days = max(0, Int(now.timeIntervalSince(created) / 86_400))
            checks.account_age_days = days
            if minimum > 0 {
                checks.min_age_days = minimum
                checks.age_ok = days >= minimum
                if days < minimum { reasons.append("account is \(days) days old; at least \(minimum) required") }
            }
        } else if minimum > 0 {
            checks.min_age_days = minimum
            if expect.minAgeDays != nil {
                checks.age_ok = false
                reasons.append("\(provider.displayName) does not tell the account's age")
            }
        }

        if let name = expect.name {
            let match = account.name.map { Self.comparableName($0) == Self.comparableName(name) } ?? false
            checks.name_match = match
            if !match { reasons.append(account.name == nil ? "the account shows no name" : "name does not match") }
        }

        if let email = expect.email {
            let match = account.email.map { Self.comparableEmail($0) == Self.comparableEmail(email) } ?? false
            checks.email_match = match
            if !match { reasons.append(account.email == nil ? "the account shows no email" : "email does not match") }
            if provider == .linkedin {
                checks.email_verified = account.emailVerified ?? false
                if match, account.emailVerified != true {
                    reasons.append("\(provider.displayName) has not verified this email")
                }
            }
        }

        if let link = expect.link {
            let found = Self.containsLink(link, in: account.profileTexts)
            checks.link_found = found
            if !found {
                reasons.append(
                    provider == .linkedin
                        ? "LinkedIn does not show profile links"
                        : "no link to the Blueprint profile in the account's website or bio")
            }
        }

        return VerifySocialResult(
            provider: provider.rawValue, verified: reasons.isEmpty,
            account: .init(
                id: account.id, handle: account.handle, name: account.name,
                created_at: account.createdAt.map(ProviderDate.format)),
            checks: checks, reasons: reasons)
    }

    /// A name for comparison: NFKC (full-width and composed forms alike), case-folded, without
    /// white space or punctuation between words (`Jean-Luc  O'Neil` = `jeanluc oneil`).
    public static func comparableName(_ name: String) -> String {
        let folded = name.precomposedStringWithCompatibilityMapping
            .folding(options: [.caseInsensitive, .widthInsensitive], locale: nil)
        return String(
            String.UnicodeScalarView(
                folded.unicodeScalars.filter {
                    !$0.properties.isWhitespace && !CharacterSet.punctuationCharacters.contains($0)
                }))
    }

    /// An email for comparison: trimmed and lower-cased.
    public static func comparableEmail(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// A link for comparison: host (lower case, without `www.`) and path without a trailing `/`,
    /// the scheme dropped (`https://blueprint.example/u/kim/` = `blueprint.example/u/kim`); `nil`
    /// when it is not an http(s) URL with a host.
    public static func comparableLink(_ link: String) -> String? {
        guard let components = URLComponents(string: link.trimmingCharacters(in: .whitespaces)),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            var host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        if host.hasPrefix("www.") { host.removeFirst(4) }
        var path = components.path
        while path.hasSuffix("/") { path.removeLast() }
        return host + path
    }

    /// Whether `link` appears in `texts`: as a whole URL (any scheme, `www.`, trailing `/`), or
    /// as `host/path` inside free text (a bio), followed by the end or a non-path character.
    public static func containsLink(_ link: String, in texts: [String]) -> Bool {
        guard let wanted = Self.comparableLink(link) else { return false }
        for text in texts {
            if Self.comparableLink(text) == wanted { return true }
            let lowered = text.lowercased()
            var searchRange = lowered.startIndex..<lowered.endIndex
            while let range = lowered.range(of: wanted, range: searchRange) {
                let before =
                    range.lowerBound == lowered.startIndex ? nil : lowered[lowered.index(before: range.lowerBound)]
                // `www.` may precede the host; another subdomain (`evil.blueprint.example`) may not.
                let startsCleanly =
                    before.map { !($0.isLetter || $0.isNumber || "-_.".contains($0)) } ?? true
                    || lowered[..<range.lowerBound].hasSuffix("//www.") || lowered[..<range.lowerBound] == "www."
                    || lowered[..<range.lowerBound].hasSuffix(" www.")
                if startsCleanly, Self.endsCleanly(lowered[range.upperBound...]) { return true }
                searchRange = range.upperBound..<lowered.endIndex
            }
        }
        return false
    }

    /// Whether the text after a matched link ends it: nothing, white space, or sentence
    /// punctuation at the end of a word (`.../kim.` but not `.../kim.html` or `.../kimberly`),
    /// optionally after one `/`.
    static func endsCleanly(_ rest: Substring) -> Bool {
        var rest = rest
        if rest.first == "/" { rest = rest.dropFirst() }
        guard let next = rest.first else { return true }
        if next.isWhitespace { return true }
        if ".,;:!?)]>\"'".contains(next) {
            let following = rest.dropFirst().first
            return following == nil || following!.isWhitespace || ")]>\"'".contains(following!)
        }
        return false
    }
}
