import Foundation

/// What a provider told about an account, reduced to what the checks need.
///
/// Codable for the lookup cache (public profile data of handle lookups only).
public struct SocialAccount: Sendable, Hashable, Codable {
    /// The provider's stable id (GitHub numeric id, X/Twitter id, LinkedIn `sub`).
    public var id: String
    /// The account name, when the provider has one (not LinkedIn).
    public var handle: String?
    /// The display name.
    public var name: String?
    /// When the account was created (not given by LinkedIn).
    public var createdAt: Date?
    /// The email the provider shows (GitHub public email, LinkedIn email).
    public var email: String?
    /// Whether the provider verified ``email`` (LinkedIn `email_verified`; `nil` when it does not say).
    public var emailVerified: Bool?
    /// Profile texts a link back may be found in: website, bio, description, expanded URLs.
    public var profileTexts: [String]

    /// Creates an account.
    public init(
        id: String, handle: String?, name: String?, createdAt: Date?, email: String? = nil, emailVerified: Bool? = nil,
        profileTexts: [String] = []
    ) {
        self.id = id
        self.handle = handle
        self.name = name
        self.createdAt = createdAt
        self.email = email
        self.emailVerified = emailVerified
        self.profileTexts = profileTexts
    }
}
