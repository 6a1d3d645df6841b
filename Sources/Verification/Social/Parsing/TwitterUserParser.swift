import Foundation

/// X/Twitter API v2 user answers (`GET /2/users/by/username/{username}`, `GET /2/users/me`).
///
/// ```json
/// {"data":{"id":"2244994945","name":"X Dev","username":"XDevelopers","created_at":"2013-12-14T04:35:55.000Z",
///  "description":"...","url":"https://t.co/x","entities":{"url":{"urls":[{"expanded_url":"https://dev.x.com"}]}},
///  "verified":false}}
/// ```
/// An unknown username is `200` with `{"errors":[{"title":"Not Found Error",...}]}` and no `data`.
public enum TwitterUserParser {
    struct URLEntity: Decodable {
        let url: String?
        let expanded_url: String?
        let display_url: String?
    }

    struct URLEntities: Decodable {
        let urls: [URLEntity]?
    }

    struct Entities: Decodable {
        let url: URLEntities?
        let description: URLEntities?
    }

    struct User: Decodable {
        let id: String
        let name: String?
        let username: String
        let created_at: String?
        let description: String?
        let url: String?
        let entities: Entities?
    }

    struct APIError: Decodable {
        let title: String?
        let type: String?
    }

    struct Answer: Decodable {
        let data: User?
        let errors: [APIError]?
    }

    /// The account, or `.notFound` for the documented not-found answer.
    public static func parse(_ bytes: [UInt8]) throws(SocialAPIError) -> SocialLookup {
        let answer = try ProviderJSON.decode(Answer.self, from: bytes, provider: .twitter, what: "the user answer")
        guard let user = answer.data else {
            let notFound =
                answer.errors?.contains {
                    $0.title == "Not Found Error" || $0.type?.hasSuffix("/resource-not-found") == true
                } ?? false
            if notFound { return .notFound }
            throw .badResponse(.twitter, "the user answer has no data (\(answer.errors?.count ?? 0) errors)")
        }
        var texts: [String] = []
        if let url = user.url, !url.isEmpty { texts.append(url) }
        for entity in (user.entities?.url?.urls ?? []) + (user.entities?.description?.urls ?? []) {
            if let expanded = entity.expanded_url { texts.append(expanded) }
        }
        if let description = user.description, !description.isEmpty { texts.append(description) }
        return .found(
            SocialAccount(
                id: user.id, handle: user.username, name: user.name.flatMap(GitHubUserParser.nonEmpty),
                createdAt: ProviderDate.parse(user.created_at), profileTexts: texts))
    }
}
