import Foundation
import JobEngine
import NIOHTTP1
import Testing

@testable import Verification

/// The pure parts of `verify_social`: handles, arguments, rate-limit headers, provider answers,
/// the GraphQL query and the checks. No I/O.
@Suite struct SocialParsingTests {
    static let hostile = [
        "../", "../../etc/passwd", "a\"){x}", "a\") { viewer { login } } x: user(login: \"b", "octo\ncat",
        "octo\r\nX-Evil: 1",
        String(repeating: "a", count: 1000), "", "-octocat", "octocat-", "octo--cat", "octo cat", "octo/cat",
        "octo?x=1", "octo%2e",
        "ｏｃｔｏ", "octo\u{0}cat", "@", "@@octocat", "octo_cat", "a\u{301}",
    ]

    @Test func gitHubLoginsFollowGitHubsRules() throws {
        for valid in ["octocat", "a", "Octo-Cat", "a1-b2-c3", String(repeating: "z", count: 39), "@octocat"] {
            let handle = try SocialHandle(valid, provider: .github)
            #expect(!handle.value.hasPrefix("@"))
        }
        #expect(try SocialHandle("OctoCat", provider: .github).normalized == "octocat")
        for bad in Self.hostile + [String(repeating: "z", count: 40)] {
            #expect(throws: SocialHandleError.self, "\(bad.debugDescription)") {
                try SocialHandle(bad, provider: .github)
            }
        }
    }

    @Test func twitterUsernamesFollowXsRules() throws {
        for valid in ["jack", "X_Dev_1", "_", String(repeating: "a", count: 15)] {
            _ = try SocialHandle(valid, provider: .twitter)
        }
        for bad in Self.hostile.filter({ $0 != "octo_cat" }) + [String(repeating: "a", count: 16), "a-b"] {
            #expect(throws: SocialHandleError.self, "\(bad.debugDescription)") {
                try SocialHandle(bad, provider: .twitter)
            }
        }
    }

    @Test func linkedInHasNoHandleLookup() {
        #expect(throws: SocialHandleError.noHandleLookup) { try SocialHandle("kim", provider: .linkedin) }
    }

    @Test func handleErrorsNeverEchoTheHandle() {
        for bad in Self.hostile where bad.count > 3 {
            do {
                _ = try VerifySocialRequest(VerifySocialArguments(provider: "github", handle: bad))
                Issue.record("accepted \(bad.debugDescription)")
            } catch {
                #expect(error.kind == .permanent)
                #expect(error.message.hasPrefix("invalid arguments: "))
                #expect(!error.message.contains(bad))
            }
        }
    }

    @Test func argumentsAreValidated() throws {
        func message(_ arguments: VerifySocialArguments) -> String? {
            do {
                _ = try VerifySocialRequest(arguments)
                return nil
            } catch {
                return error.message
            }
        }
        #expect(message(.init(provider: "github", handle: "octocat")) == nil)
        #expect(message(.init(provider: "linkedin", accessToken: "tok")) == nil)
        #expect(message(.init(provider: "facebook", handle: "x"))?.contains("'provider'") == true)
        #expect(message(.init(provider: "github"))?.contains("missing 'handle' or 'access_token'") == true)
        #expect(message(.init(provider: "github", handle: "a", accessToken: "t"))?.contains("not both") == true)
        #expect(message(.init(provider: "linkedin", handle: "kim"))?.contains("access_token") == true)
        for badToken in ["", "tok en", "tok\r\nX: y", String(repeating: "t", count: 5000), "토큰"] {
            let text = message(.init(provider: "github", accessToken: badToken))
            #expect(text?.contains("'access_token'") == true)
            if !badToken.isEmpty { #expect(text?.contains(badToken) == false) }
        }
        #expect(message(.init(provider: "github", handle: "a", expect: .init(name: ""))) != nil)
        #expect(
            message(.init(provider: "github", handle: "a", expect: .init(name: String(repeating: "n", count: 201))))
                != nil)
        #expect(message(.init(provider: "github", handle: "a", expect: .init(name: "a\u{7}b"))) != nil)
        #expect(message(.init(provider: "github", handle: "a", expect: .init(email: "not-an-email"))) != nil)
        #expect(message(.init(provider: "github", handle: "a", expect: .init(email: "a b@c.d"))) != nil)
        #expect(message(.init(provider: "github", handle: "a", expect: .init(link: "javascript:alert(1)"))) != nil)
        #expect(
            message(
                .init(
                    provider: "github", handle: "a",
                    expect: .init(link: "https://" + String(repeating: "a", count: 3000)))) != nil)
        #expect(message(.init(provider: "github", handle: "a", expect: .init(minAgeDays: -1))) != nil)
        #expect(
            message(
                .init(
                    provider: "github", handle: "a",
                    expect: .init(name: "김민준", email: "a@b.c", link: "https://blueprint.example/u/a", minAgeDays: 30)))
                == nil)
    }

    @Test func argumentDescriptionsHideTheToken() {
        let arguments = VerifySocialArguments(provider: "github", accessToken: "gho_SECRET_TOKEN")
        #expect(!"\(arguments)".contains("gho_SECRET_TOKEN"))
        #expect(!String(reflecting: arguments).contains("gho_SECRET_TOKEN"))
        var dumped = ""
        dump(arguments, to: &dumped)
        #expect(!dumped.contains("gho_SECRET_TOKEN"))
    }

    @Test func argumentsDecodeFromJobJSON() throws {
        let json =
            #"{"type":"verify_social","provider":"github","handle":"octocat","expect":{"name":"The Octocat","min_age_days":7}}"#
        let arguments = try JSONDecoder().decode(VerifySocialArguments.self, from: Data(json.utf8))
        #expect(arguments.handle == "octocat")
        #expect(arguments.expect?.minAgeDays == 7)
        let token = try JSONDecoder().decode(
            VerifySocialArguments.self, from: Data(#"{"provider":"linkedin","access_token":"t"}"#.utf8))
        #expect(token.accessToken == "t")
    }

    // MARK: Rate limits

    @Test func rateLimitAdviceFollowsTheHeaders() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(RateLimitAdvice.retryAfter(status: 200, headers: ["x-ratelimit-remaining": "0"], now: now) == nil)
        #expect(
            RateLimitAdvice.retryAfter(status: 403, headers: [:], now: now) == nil, "a plain 403 is not a rate limit")
        #expect(RateLimitAdvice.retryAfter(status: 403, headers: ["x-ratelimit-remaining": "12"], now: now) == nil)
        #expect(RateLimitAdvice.retryAfter(status: 429, headers: ["Retry-After": "30"], now: now) == .seconds(30))
        #expect(
            RateLimitAdvice.retryAfter(status: 403, headers: ["Retry-After": " 45 "], now: now) == .seconds(45),
            "GitHub secondary limit")
        #expect(
            RateLimitAdvice.retryAfter(
                status: 403, headers: ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "1700000120"], now: now)
                == .seconds(120))
        #expect(
            RateLimitAdvice.retryAfter(
                status: 429, headers: ["x-rate-limit-remaining": "0", "x-rate-limit-reset": "1700000900"], now: now)
                == .seconds(900), "X spells it x-rate-limit-*")
        #expect(
            RateLimitAdvice.retryAfter(
                status: 403, headers: ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "1600000000"], now: now)
                == .seconds(1), "a reset in the past waits the minimum")
        #expect(RateLimitAdvice.retryAfter(status: 429, headers: [:], now: now) == RateLimitAdvice.defaultWait)
        #expect(
            RateLimitAdvice.retryAfter(status: 429, headers: ["Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"], now: now)
                == RateLimitAdvice.defaultWait)
        #expect(
            RateLimitAdvice.retryAfter(status: 429, headers: ["Retry-After": "99999999999"], now: now)
                == RateLimitAdvice.maximumWait)
    }

    @Test func statusesAreClassified() throws {
        let now = Date()
        func classify(_ status: Int, _ headers: HTTPHeaders = [:], user: Bool = false) throws(SocialAPIError)
            -> SocialResponseStatus
        {
            try SocialResponseStatus.classify(
                status: status, headers: headers, provider: .github, userToken: user, credentialSetting: "GITHUB_TOKEN",
                now: now)
        }
        #expect(try classify(200) == .success)
        #expect(try classify(404) == .answer(.notFound))
        #expect(try classify(401, user: true) == .answer(.tokenRejected(status: 401)))
        #expect(try classify(403, user: true) == .answer(.tokenRejected(status: 403)))
        #expect(throws: SocialAPIError.self) { try classify(401) }
        do { _ = try classify(401) } catch {
            #expect(error.kind == .credentialsRejected && error.message.contains("GITHUB_TOKEN"))
        }
        do { _ = try classify(503) } catch { #expect(error.kind == .unavailable) }
        do { _ = try classify(429, ["Retry-After": "7"], user: true) } catch {
            #expect(error.kind == .rateLimited && error.retryAfter == .seconds(7))
        }
        do { _ = try classify(418) } catch { #expect(error.kind == .badResponse) }
    }

    // MARK: Provider answers

    static let garbage: [String] = [
        "", "null", "[]", "<html>oops</html>", "{", #"{"login":"x","id":1,"na"#, #"{"login":5,"id":"x"}"#,
        "\u{0}\u{1}\u{2}",
        String(repeating: "[", count: 100_000),
    ]

    @Test func gitHubUserAnswers() throws {
        let account = try GitHubUserParser.parse(
            Array(
                #"{"login":"octocat","id":583231,"name":"The Octocat","blog":"https://github.blog","bio":"","email":null,"created_at":"2011-01-25T18:44:36Z","extra":{"nested":[1,2]}}"#
                    .utf8))
        #expect(account.id == "583231")
        #expect(account.handle == "octocat")
        #expect(account.name == "The Octocat")
        #expect(account.createdAt == Date(timeIntervalSince1970: 1_295_981_076))
        #expect(account.profileTexts == ["https://github.blog"])
        for text in Self.garbage {
            #expect(throws: SocialAPIError.self) { try GitHubUserParser.parse(Array(text.utf8)) }
        }
        do {
            _ = try GitHubUserParser.parse(Array("<html>".utf8))
        } catch {
            #expect(error.kind == .badResponse)
            #expect(error.message.contains("not valid JSON"))
            #expect(!error.message.contains("html"), "the body is never echoed")
        }
        let noDate = try GitHubUserParser.parse(Array(#"{"login":"a","id":1,"created_at":"yesterday"}"#.utf8))
        #expect(noDate.createdAt == nil)
    }

    @Test func gitHubGraphQLQueryCannotBeInjected() throws {
        let handles = try ["octocat", "Torvalds", "a-b"].map { try SocialHandle($0, provider: .github) }
        let body = GitHubGraphQL.requestBody(handles)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: String])
        let query = try #require(object["query"])
        #expect(query.contains(#"u0: user(login: "octocat") { ...f }"#))
        #expect(query.contains(#"u1: user(login: "Torvalds") { ...f }"#))
        #expect(query.contains(#"u2: user(login: "a-b") { ...f }"#))
        #expect(query.hasSuffix("fragment f on User { databaseId login name email websiteUrl bio createdAt }"))
        // The only way in is a SocialHandle, and none of the hostile strings makes one.
        for bad in Self.hostile where (try? SocialHandle(bad, provider: .github)) != nil {
            Issue.record("hostile handle accepted: \(bad.debugDescription)")
        }
    }

    @Test func gitHubGraphQLAnswers() throws {
        let handles = try ["octocat", "missing1", "Torvalds"].map { try SocialHandle($0, provider: .github) }
        let answer = #"""
            {"data":{"u0":{"databaseId":1,"login":"octocat","name":"The Octocat","email":"","websiteUrl":"https://x.example","bio":"","createdAt":"2011-01-25T18:44:36Z"},
             "u1":null,
             "u2":{"databaseId":2,"login":"torvalds","name":null,"email":"t@l.org","websiteUrl":null,"bio":"kernel","createdAt":"2011-09-03T15:26:22Z"}},
             "errors":[{"type":"NOT_FOUND","path":["u1"],"message":"Could not resolve"}]}
            """#
        let results = try GitHubGraphQL.parse(Array(answer.utf8), handles: handles)
        #expect(results["missing1"] == .notFound)
        guard case .found(let octocat) = results["octocat"], case .found(let torvalds) = results["torvalds"] else {
            Issue.record("not found: \(results)")
            return
        }
        #expect(octocat.email == nil, "an empty email is no email")
        #expect(octocat.profileTexts == ["https://x.example"])
        #expect(torvalds.email == "t@l.org")
        #expect(torvalds.name == nil)

        func kind(_ text: String) -> SocialAPIError.Kind? {
            do {
                _ = try GitHubGraphQL.parse(Array(text.utf8), handles: handles)
                return nil
            } catch { return error.kind }
        }
        #expect(kind(#"{"errors":[{"type":"RATE_LIMITED","message":"API rate limit exceeded"}]}"#) == .rateLimited)
        #expect(kind(#"{"errors":[{"message":"Something went wrong"}]}"#) == .badResponse)
        #expect(kind(#"{"data":{"u0":null,"u1":null,"u2":null}}"#) == .badResponse, "null without NOT_FOUND")
        #expect(kind(#"{"data":{"u0":null}}"#) == .badResponse, "missing aliases")
        #expect(kind(#"{"data":{"u0":{"login":"octocat"},"u1":null,"u2":null},"errors":[]}"#) == .badResponse)
        for text in Self.garbage { #expect(kind(text) == .badResponse, "\(text.prefix(20))") }
    }

    @Test func twitterAnswers() throws {
        let answer = #"""
            {"data":{"id":"2244994945","name":"X Dev","username":"XDevelopers","created_at":"2013-12-14T04:35:55.000Z",
             "description":"Docs: https://t.co/abc","url":"https://t.co/x",
             "entities":{"url":{"urls":[{"url":"https://t.co/x","expanded_url":"https://developer.x.com"}]},
                         "description":{"urls":[{"expanded_url":"https://blueprint.example/u/x"}]}},"verified":false}}
            """#
        guard case .found(let account) = try TwitterUserParser.parse(Array(answer.utf8)) else {
            Issue.record("not found")
            return
        }
        #expect(account.id == "2244994945")
        #expect(account.createdAt != nil)
        #expect(account.profileTexts.contains("https://developer.x.com"))
        #expect(account.profileTexts.contains("https://blueprint.example/u/x"))
        let notFound =
            #"{"errors":[{"value":"nobody","detail":"Could not find user","title":"Not Found Error","type":"https://api.twitter.com/2/problems/resource-not-found"}]}"#
        #expect(try TwitterUserParser.parse(Array(notFound.utf8)) == .notFound)
        #expect(throws: SocialAPIError.self) {
            try TwitterUserParser.parse(Array(#"{"errors":[{"title":"Forbidden"}]}"#.utf8))
        }
        for text in Self.garbage {
            #expect(throws: SocialAPIError.self) { try TwitterUserParser.parse(Array(text.utf8)) }
        }
    }

    @Test func linkedInAnswers() throws {
        let account = try LinkedInUserInfoParser.parse(
            Array(
                #"{"sub":"782bbtaQ","given_name":"Min-jun","family_name":"Kim","email":"a@b.c","email_verified":false}"#
                    .utf8))
        #expect(account.id == "782bbtaQ")
        #expect(account.name == "Min-jun Kim")
        #expect(account.emailVerified == false)
        #expect(account.handle == nil)
        for text in Self.garbage {
            #expect(throws: SocialAPIError.self) { try LinkedInUserInfoParser.parse(Array(text.utf8)) }
        }
    }

    // MARK: Checks

    @Test func namesCompareNormalised() {
        #expect(SocialChecks.comparableName("The  Octocat") == SocialChecks.comparableName("the octocat"))
        #expect(SocialChecks.comparableName("Ｊｅａｎ-Luc O'Neil") == SocialChecks.comparableName("jean luc oneil"))
        #expect(SocialChecks.comparableName("김민준") == SocialChecks.comparableName("김 민준"))
        // Composed and decomposed Hangul / accents are the same name.
        #expect(SocialChecks.comparableName("Jose\u{301}") == SocialChecks.comparableName("José"))
        #expect(SocialChecks.comparableName("\u{1100}\u{1175}\u{11B7}") == SocialChecks.comparableName("김"))
        #expect(SocialChecks.comparableName("Kim Minjun") != SocialChecks.comparableName("Kim Minsu"))
    }

    @Test func linksAreFoundInProfiles() {
        let link = "https://blueprint.example/u/kim"
        #expect(SocialChecks.containsLink(link, in: ["http://www.blueprint.example/u/kim/"]))
        #expect(SocialChecks.containsLink(link, in: ["Hi! my profile: blueprint.example/u/kim and more"]))
        #expect(SocialChecks.containsLink(link, in: ["see https://blueprint.example/u/kim."]))
        #expect(SocialChecks.containsLink(link, in: ["see www.blueprint.example/u/kim/ ok"]))
        #expect(!SocialChecks.containsLink(link, in: ["https://blueprint.example/u/kimberly"]))
        #expect(!SocialChecks.containsLink(link, in: ["https://blueprint.example/u/kim/extra"]))
        #expect(!SocialChecks.containsLink(link, in: ["https://evilblueprint.example/u/kim"]))
        #expect(!SocialChecks.containsLink(link, in: ["https://evil.blueprint.example/u/kim"]))
        #expect(!SocialChecks.containsLink(link, in: []))
        #expect(!SocialChecks.containsLink("not a url", in: ["not a url"]))
    }

    @Test func checksMakeTheVerdict() throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let account = SocialAccount(
            id: "1", handle: "kim", name: "Kim Min-jun", createdAt: now.addingTimeInterval(-40 * 86_400),
            email: "Kim@Example.com",
            emailVerified: true, profileTexts: ["https://blueprint.example/u/kim"])
        let all = SocialExpectation(
            name: "kim minjun", email: "kim@example.com", link: "https://blueprint.example/u/kim", minAgeDays: 30)
        let ok = SocialChecks.evaluate(
            provider: .linkedin, lookup: .found(account), expect: all, minimumAgeDays: 0, cached: false, now: now)
        #expect(ok.verified)
        #expect(ok.reasons.isEmpty)
        #expect(ok.checks.account_age_days == 40)
        #expect(ok.checks.email_verified == true)
        #expect(ok.account?.created_at == "2023-10-05T22:13:20Z")

        let young = SocialChecks.evaluate(
            provider: .github, lookup: .found(account), expect: .init(), minimumAgeDays: 60, cached: true, now: now)
        #expect(!young.verified)
        #expect(young.checks.age_ok == false)
        #expect(young.reasons == ["account is 40 days old; at least 60 required"])

        var unverified = account
        unverified.emailVerified = false
        let email = SocialChecks.evaluate(
            provider: .linkedin, lookup: .found(unverified), expect: .init(email: "kim@example.com"), minimumAgeDays: 0,
            cached: false, now: now)
        #expect(!email.verified)
        #expect(email.checks.email_match == true && email.checks.email_verified == false)

        let wrong = SocialChecks.evaluate(
            provider: .github, lookup: .found(account),
            expect: .init(name: "Lee", email: "x@y.z", link: "https://blueprint.example/u/lee"),
            minimumAgeDays: 0, cached: false, now: now)
        #expect(wrong.reasons.count == 3)
        #expect(
            wrong.checks.name_match == false && wrong.checks.email_match == false && wrong.checks.link_found == false)

        let missing = SocialChecks.evaluate(
            provider: .github, lookup: .notFound, expect: all, minimumAgeDays: 0, cached: false, now: now)
        #expect(!missing.verified && missing.account == nil && !missing.checks.exists && missing.reasons.count == 1)
        let refused = SocialChecks.evaluate(
            provider: .github, lookup: .tokenRejected(status: 401), expect: all, minimumAgeDays: 0, cached: false,
            now: now)
        #expect(!refused.verified && refused.reasons[0].contains("refused the access token"))

        let json = String(decoding: try JSONEncoder().encode(ok), as: UTF8.self)
        for key in [
            #""provider":"linkedin""#, #""verified":true"#, #""account":{"#, #""checks":{"#, #""reasons":[]"#,
            #""created_at":"#,
        ] {
            #expect(json.contains(key), "\(key) in \(json)")
        }
        #expect(!json.contains("Kim@Example.com"), "the account's email is not in the result")
    }
}
