/// What a `verify_social` job expects the account to show (every field optional).
public struct SocialExpectation: Decodable, Sendable, Hashable {
    /// The person's name, compared Unicode-normalised, ignoring case and spaces.
    public var name: String?
    /// An email address the provider must show (verified, for LinkedIn).
    public var email: String?
    /// A link back to the Blueprint profile, looked for in the profile's website, bio or description.
    public var link: String?
    /// The youngest acceptable account, in days (overrides `SOCIAL_MIN_ACCOUNT_AGE_DAYS`).
    public var minAgeDays: Int?

    enum CodingKeys: String, CodingKey {
        case name, email, link
        case minAgeDays = "min_age_days"
    }

    /// Creates an expectation.
    public init(name: String? = nil, email: String? = nil, link: String? = nil, minAgeDays: Int? = nil) {
        self.name = name
        self.email = email
        self.link = link
        self.minAgeDays = minAgeDays
    }
}
