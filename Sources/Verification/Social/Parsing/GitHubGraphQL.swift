import Foundation

/// Many GitHub users in one GraphQL query, one aliased `user(login:)` field each.
///
/// ```graphql
/// query { u0: user(login: "octocat") { ...f } u1: user(login: "torvalds") { ...f } }
/// fragment f on User { databaseId login name email websiteUrl bio createdAt }
/// ```
/// Logins are ``SocialHandle``s (letters, digits, hyphens), so nothing can break out of the
/// string literal. A missing user comes back as `"u1": null` with a `NOT_FOUND` error.
public enum GitHubGraphQL {
    /// The request body (`{"query": "..."}`) for `handles`, in order; alias `u<i>` is `handles[i]`.
    public static func requestBody(_ handles: [SocialHandle]) -> [UInt8] {
        precondition(handles.allSatisfy { $0.provider == .github })
        var query = "query {"
        for (index, handle) in handles.enumerated() {
            query += " u\(index): user(login: \"\(handle.value)\") { ...f }"
        }
        query += " } fragment f on User { databaseId login name email websiteUrl bio createdAt }"
        // JSONEncoder escapes the query as a JSON string.
        return Array((try? JSONEncoder().encode(["query": query])) ?? Data())
    }

    struct User: Decodable {
        let databaseId: Int64?
        let login: String
        let name: String?
        let email: String?
        let websiteUrl: String?
        let bio: String?
        let createdAt: String?
    }

    struct GraphQLError: Decodable {
        let type: String?
        let path: [String]?
        let message: String?
    }

    struct Answer: Decodable {
        let data: [String: User?]?
        let errors: [GraphQLError]?
    }

    /// What the GraphQL answer says about each of `handles` (by ``SocialHandle/normalized``).
    ///
    /// A `RATE_LIMITED` error is a rate limit (``RateLimitAdvice/defaultWait`` unless the headers
    /// said more); an answer without `data` or missing an alias is a bad response.
    public static func parse(_ bytes: [UInt8], handles: [SocialHandle], rateLimitWait: Duration? = nil)
        throws(SocialAPIError) -> [String: SocialLookup]
    {
        let answer = try ProviderJSON.decode(Answer.self, from: bytes, provider: .github, what: "the GraphQL answer")
        if answer.errors?.contains(where: { $0.type == "RATE_LIMITED" }) == true {
            throw .rateLimited(.github, retryAfter: rateLimitWait ?? RateLimitAdvice.defaultWait)
        }
        guard let data = answer.data else {
            throw .badResponse(.github, "the GraphQL answer has no data (\(answer.errors?.count ?? 0) errors)")
        }
        var results: [String: SocialLookup] = [:]
        for (index, handle) in handles.enumerated() {
            let alias = "u\(index)"
            guard let entry = data[alias] else { throw .badResponse(.github, "the GraphQL answer lacks '\(alias)'") }
            guard let user = entry else {
                let notFound = answer.errors?.contains { $0.path?.first == alias && $0.type == "NOT_FOUND" } ?? false
                guard notFound else {
                    throw .badResponse(.github, "the GraphQL answer has no user for '\(alias)' and no NOT_FOUND error")
                }
                results[handle.normalized] = .notFound
                continue
            }
            guard let id = user.databaseId else {
                throw .badResponse(.github, "the GraphQL user '\(alias)' lacks 'databaseId'")
            }
            results[handle.normalized] = .found(
                SocialAccount(
                    id: String(id), handle: user.login, name: user.name.flatMap(GitHubUserParser.nonEmpty),
                    createdAt: ProviderDate.parse(user.createdAt), email: user.email.flatMap(GitHubUserParser.nonEmpty),
                    emailVerified: nil,
                    profileTexts: [user.websiteUrl, user.bio].compactMap { $0.flatMap(GitHubUserParser.nonEmpty) }))
        }
        return results
    }
}
