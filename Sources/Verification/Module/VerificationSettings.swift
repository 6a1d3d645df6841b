import SettingsModel

/// The settings the verification service reads.
enum VerificationSettings {
    static let githubAPIURL = Setting(
        "GITHUB_API_URL", .url, default: "https://api.github.com", help: "GitHub REST/GraphQL base URL.")
    static let githubToken = Setting(
        "GITHUB_TOKEN", secret: true,
        help:
            "GitHub token for handle lookups (5,000 calls/h instead of 60) and the batched GraphQL lookups, which need it."
    )
    static let linkedinAPIURL = Setting(
        "LINKEDIN_API_URL", .url, default: "https://api.linkedin.com", help: "LinkedIn API base URL (OIDC userinfo).")
    static let twitterAPIURL = Setting(
        "TWITTER_API_URL", .url, default: "https://api.twitter.com", help: "X/Twitter API v2 base URL.")
    static let twitterBearerToken = Setting(
        "TWITTER_BEARER_TOKEN", secret: true,
        help: "X/Twitter app bearer token; X/Twitter handles cannot be looked up without it.")
    static let cacheTTL = Setting(
        "SOCIAL_CACHE_TTL", .integer(0...604_800), default: "3600",
        help:
            "Seconds a social account lookup by handle is cached in Redis (0: no cache). \"No such account\" is kept at most 5 minutes."
    )
    static let minimumAgeDays = Setting(
        "SOCIAL_MIN_ACCOUNT_AGE_DAYS", .integer(0...36_500), default: "0",
        help:
            "Youngest social account `verify_social` accepts, in days (0: no minimum); a job's `expect.min_age_days` overrides it."
    )
    static let batchWindowMilliseconds = Setting(
        "SOCIAL_BATCH_WINDOW_MS", .integer(0...1000), default: "15",
        help:
            "How long a GitHub handle lookup waits for others to share one GraphQL call, in ms (0: no batching). Needs `GITHUB_TOKEN`."
    )
    static let dnsResolver = Setting(
        "DNS_RESOLVER", defaultDescription: "the system's", help: "`host:port` of the DNS server for domain checks.")

    static let groups = [
        SettingGroup(
            "Verification",
            summary:
                "Identity verification: social accounts (GitHub, LinkedIn, X/Twitter), company domains, documents.",
            settings: [
                githubAPIURL, githubToken, linkedinAPIURL, twitterAPIURL, twitterBearerToken, cacheTTL, minimumAgeDays,
                batchWindowMilliseconds, dnsResolver,
            ])
    ]
}
