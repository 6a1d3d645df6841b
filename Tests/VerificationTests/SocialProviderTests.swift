import Foundation
import OutboundHTTP
import TestSupport
import Testing

@testable import Verification

/// The provider clients against the in-process fake APIs, which check request shapes and tokens.
@Suite struct SocialProviderTests {
    typealias Fake = FakeSocialAPI

    static func github(_ fake: Fake, http: OutboundHTTPClient, token: String? = Fake.githubAppToken) -> GitHubAPI {
        GitHubAPI(baseURL: fake.baseURL + "/", appToken: token, http: http, timeout: .seconds(5))
    }

    static func handle(_ text: String, _ provider: SocialProvider = .github) throws -> SocialHandle {
        try SocialHandle(text, provider: provider)
    }

    static func kind(_ body: () async throws(SocialAPIError) -> SocialLookup) async -> SocialAPIError? {
        do {
            let lookup = try await body()
            Issue.record("expected an error, got \(lookup)")
            return nil
        } catch {
            return error
        }
    }

    @Test func gitHubRESTLookups() async throws {
        try await Fake.run { fake in
            try await withOutboundHTTP { http in
                let api = Self.github(fake, http: http)
                guard case .found(let octocat) = try await api.user(Self.handle("octocat")) else {
                    Issue.record("octocat not found")
                    return
                }
                #expect(octocat.name == "The Octocat")
                #expect(octocat.email == "octocat@github.com")
                let request = try #require(fake.requests.last)
                #expect(request.method == "GET" && request.path == "/users/octocat")
                #expect(request.headers["authorization"] == "Bearer \(Fake.githubAppToken)")
                #expect(request.headers["user-agent"] == "blueprint-worker")

                #expect(try await api.user(Self.handle("missing-1")) == .notFound)
                // Without a token: public lookups work (no Authorization header at all).
                let anonymous = Self.github(fake, http: http, token: nil)
                #expect(try await anonymous.user(Self.handle("missing-2")) == .notFound)
                #expect(fake.requests.last?.headers["authorization"] == nil)

                let tooMany = await Self.kind { () async throws(SocialAPIError) in
                    try await api.user(try! Self.handle("toomany"))
                }
                #expect(tooMany?.kind == .rateLimited && tooMany?.retryAfter == .seconds(30))
                let limited = await Self.kind { () async throws(SocialAPIError) in
                    try await api.user(try! Self.handle("ratelimited"))
                }
                #expect(limited?.kind == .rateLimited)
                #expect(
                    (limited?.retryAfter ?? .zero) > .seconds(100) && (limited?.retryAfter ?? .zero) <= .seconds(121),
                    "x-ratelimit-reset")
                #expect(
                    await Self.kind { () async throws(SocialAPIError) in try await api.user(try! Self.handle("broken"))
                    }?.kind == .unavailable)
                for bad in ["garbage", "truncated", "huge"] {
                    let error = await Self.kind { () async throws(SocialAPIError) in
                        try await api.user(try! Self.handle(bad))
                    }
                    #expect(error?.kind == .badResponse, "\(bad)")
                    #expect(
                        error?.message.contains("github answered unexpectedly") == true,
                        "\(bad): \(error?.message ?? "")")
                }

                let wrongApp = Self.github(fake, http: http, token: "ghs_wrong")
                let refused = await Self.kind { () async throws(SocialAPIError) in
                    try await wrongApp.user(try! Self.handle("octocat"))
                }
                #expect(refused?.kind == .credentialsRejected)
                #expect(refused?.message.contains("GITHUB_TOKEN") == true)
                #expect(refused?.message.contains("ghs_wrong") == false)
            }
        }
    }

    @Test func gitHubUserTokenLookups() async throws {
        try await Fake.run { fake in
            try await withOutboundHTTP { http in
                let api = Self.github(fake, http: http)
                guard case .found(let account) = try await api.authenticatedUser(token: Fake.githubUserToken) else {
                    Issue.record("not found")
                    return
                }
                #expect(account.handle == "octocat")
                #expect(fake.requests.last?.path == "/user")
                #expect(fake.requests.last?.headers["authorization"] == "Bearer \(Fake.githubUserToken)")
                #expect(try await api.authenticatedUser(token: "gho_expired") == .tokenRejected(status: 401))
            }
        }
    }

    @Test func gitHubGraphQLBatch() async throws {
        try await Fake.run { fake in
            try await withOutboundHTTP { http in
                let api = Self.github(fake, http: http)
                let handles = try ["octocat", "missing-a", "user-3", "User-4"].map { try Self.handle($0) }
                let results = try await api.users(handles)
                #expect(fake.count("/graphql") == 1)
                #expect(results.count == 4)
                #expect(results["missing-a"] == .notFound)
                guard case .found(let user4) = results["user-4"] else {
                    Issue.record("user-4: \(String(describing: results["user-4"]))")
                    return
                }
                #expect(user4.name == "User User-4")
                let request = try #require(fake.requests.last)
                #expect(request.method == "POST")
                #expect(request.headers["content-type"] == "application/json")
                #expect(request.headers["authorization"] == "Bearer \(Fake.githubAppToken)")

                let failing = try ["octocat", "broken"].map { try Self.handle($0) }
                do {
                    _ = try await api.users(failing)
                    Issue.record("expected a failure")
                } catch let error as SocialAPIError {
                    #expect(error.kind == .unavailable)
                }
                let wrong = Self.github(fake, http: http, token: "nope")
                do {
                    _ = try await wrong.users(handles)
                    Issue.record("expected a failure")
                } catch let error as SocialAPIError {
                    #expect(error.kind == .credentialsRejected)
                }
            }
        }
    }

    @Test func twitterLookups() async throws {
        try await Fake.run { fake in
            try await withOutboundHTTP { http in
                let api = TwitterAPI(baseURL: fake.baseURL, bearerToken: Fake.twitterAppToken, http: http)
                guard case .found(let account) = try await api.user(Self.handle("octocat", .twitter)) else {
                    Issue.record("not found")
                    return
                }
                #expect(account.profileTexts.contains("https://www.blueprint.example/u/octocat/"))
                let request = try #require(fake.requests.last)
                #expect(request.path == "/2/users/by/username/octocat")
                #expect(request.query == "user.fields=created_at,description,url,entities,verified")
                #expect(request.headers["authorization"] == "Bearer \(Fake.twitterAppToken)")
                #expect(try await api.user(Self.handle("missing_x", .twitter)) == .notFound)
                let limited = await Self.kind { () async throws(SocialAPIError) in
                    try await api.user(try! Self.handle("ratelimited", .twitter))
                }
                #expect(limited?.kind == .rateLimited && (limited?.retryAfter ?? .zero) > .seconds(100))
                #expect(
                    await Self.kind { () async throws(SocialAPIError) in
                        try await api.user(try! Self.handle("truncated", .twitter))
                    }?.kind == .badResponse)

                let wrong = TwitterAPI(baseURL: fake.baseURL, bearerToken: "wrong", http: http)
                #expect(
                    await Self.kind { () async throws(SocialAPIError) in
                        try await wrong.user(try! Self.handle("octocat", .twitter))
                    }?.kind == .credentialsRejected)
                #expect(try await api.authenticatedUser(token: Fake.twitterUserToken) != .tokenRejected(status: 401))
                #expect(try await api.authenticatedUser(token: "expired") == .tokenRejected(status: 401))
            }
        }
    }

    @Test func linkedInLookups() async throws {
        try await Fake.run { fake in
            try await withOutboundHTTP { http in
                let api = LinkedInAPI(baseURL: fake.baseURL, http: http)
                guard case .found(let account) = try await api.userInfo(token: Fake.linkedinUserToken) else {
                    Issue.record("not found")
                    return
                }
                #expect(account.id == "782bbtaQ" && account.emailVerified == true)
                #expect(fake.requests.last?.path == "/v2/userinfo")
                #expect(try await api.userInfo(token: "AQX_revoked") == .tokenRejected(status: 401))
            }
        }
    }

    @Test func unreachableProviderIsUnavailable() async throws {
        try await withClosedTCPPort { port in
            try await withOutboundHTTP({ $0.connectTimeout = .seconds(2) }) { http in
                let api = GitHubAPI(baseURL: "http://127.0.0.1:\(port)", appToken: nil, http: http, timeout: .seconds(3))
                let error = await Self.kind { () async throws(SocialAPIError) in
                    try await api.user(try! Self.handle("octocat"))
                }
                #expect(error?.kind == .unavailable)
                #expect(error.map { SocialVerifier.jobError($0).dependency } == "github")
            }
        }
    }
}
