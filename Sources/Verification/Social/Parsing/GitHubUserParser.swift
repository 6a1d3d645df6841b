import Foundation

/// GitHub's user object, from `GET /users/{login}` or `GET /user` (REST).
///
/// ```json
/// {"login":"octocat","id":583231,"name":"The Octocat","blog":"https://github.blog","bio":null,
///  "email":null,"twitter_username":null,"created_at":"2011-01-25T18:44:36Z"}
/// ```
public enum GitHubUserParser {
    struct User: Decodable {
        let login: String
        let id: Int64
        let name: String?
        let blog: String?
        let bio: String?
        let email: String?
        let created_at: String?
    }

    /// The account in a REST user answer.
    public static func parse(_ bytes: [UInt8]) throws(SocialAPIError) -> SocialAccount {
        let user = try ProviderJSON.decode(User.self, from: bytes, provider: .github, what: "the user answer")
        return SocialAccount(
            id: String(user.id), handle: user.login, name: user.name.flatMap(Self.nonEmpty),
            createdAt: ProviderDate.parse(user.created_at), email: user.email.flatMap(Self.nonEmpty),
            emailVerified: nil,
            profileTexts: [user.blog, user.bio].compactMap { $0.flatMap(Self.nonEmpty) })
    }

    static func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }
}
