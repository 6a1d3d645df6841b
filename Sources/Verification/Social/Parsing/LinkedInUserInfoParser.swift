import Foundation

/// LinkedIn's OpenID Connect userinfo (`GET /v2/userinfo`).
///
/// ```json
/// {"sub":"782bbtaQ","name":"John Doe","given_name":"John","family_name":"Doe",
///  "email":"doe@email.com","email_verified":true,"locale":"en-US"}
/// ```
/// It has no account name, creation date or profile links.
public enum LinkedInUserInfoParser {
    struct UserInfo: Decodable {
        let sub: String
        let name: String?
        let given_name: String?
        let family_name: String?
        let email: String?
        let email_verified: Bool?
    }

    /// The account of the token.
    public static func parse(_ bytes: [UInt8]) throws(SocialAPIError) -> SocialAccount {
        let info = try ProviderJSON.decode(UserInfo.self, from: bytes, provider: .linkedin, what: "the userinfo answer")
        let composed = [info.given_name, info.family_name].compactMap { $0 }.joined(separator: " ")
        return SocialAccount(
            id: info.sub, handle: nil,
            name: info.name.flatMap(GitHubUserParser.nonEmpty) ?? GitHubUserParser.nonEmpty(composed),
            createdAt: nil, email: info.email.flatMap(GitHubUserParser.nonEmpty), emailVerified: info.email_verified)
    }
}
