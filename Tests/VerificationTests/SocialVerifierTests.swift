import Foundation
import JobEngine
import Logging
import OutboundHTTP
import RESP
import RedisClient
import TestSupport
import Testing

@testable import Verification

/// `verify_social` end to end: arguments -> cache (the shared test Redis) -> batcher -> fake
/// provider APIs -> checks, and through the engine for outcomes, retries and logs.
@Suite(
    .enabled(
        if: TestServers.shouldRun(VerificationTestEnv.redisConfigured), "needs the redis-server of scripts/test.sh"))
struct SocialVerifierTests {
    typealias Fake = FakeSocialAPI

    static func verifier(_ fake: Fake, http: OutboundHTTPClient, redis: RedisClient?, cacheTTL: Duration = .seconds(60))
        -> SocialVerifier
    {
        var verifier = SocialVerifier(
            github: GitHubAPI(baseURL: fake.baseURL, appToken: Fake.githubAppToken, http: http, timeout: .seconds(5)),
            linkedin: LinkedInAPI(baseURL: fake.baseURL, http: http, timeout: .seconds(5)),
            twitter: TwitterAPI(
                baseURL: fake.baseURL, bearerToken: Fake.twitterAppToken, http: http, timeout: .seconds(5)))
        if let redis { verifier.cache = SocialLookupCache(redis: redis, ttl: cacheTTL) }
        return verifier
    }

    static func request(
        _ provider: String, handle: String? = nil, token: String? = nil, expect: SocialExpectation? = nil
    ) throws -> VerifySocialRequest {
        try VerifySocialRequest(
            VerifySocialArguments(provider: provider, handle: handle, accessToken: token, expect: expect))
    }

    static func cleanCache(_ redis: RedisClient, _ handles: [(String, SocialProvider)]) async {
        for (handle, provider) in handles {
            if let handle = try? SocialHandle(handle, provider: provider) {
                _ = try? await redis.send("DEL", SocialLookupCache.key(handle))
            }
        }
    }

    @Test func repeatedLookupsWithinTheTTLMakeNoCall() async throws {
        let login = VerificationTestEnv.uniqueLogin()
        let missing = VerificationTestEnv.uniqueLogin("missing")
        try await Fake.run { fake in
            try await withOutboundHTTP { http in
                try await withClient { redis in
                    try await withCleanup {
                        let verifier = Self.verifier(fake, http: http, redis: redis)
                        let first = try await verifier.verify(
                            try Self.request("github", handle: login), logger: VerificationTestEnv.logger)
                        #expect(first.verified && !first.checks.cached)
                        #expect(fake.count("/users/") == 1)
                        // Same account, other spelling: the cache key is the lower-cased handle.
                        let second = try await verifier.verify(
                            try Self.request("github", handle: login.uppercased()), logger: VerificationTestEnv.logger)
                        #expect(second.checks.cached)
                        #expect(second.account == first.account)
                        #expect(fake.count("/users/") == 1, "served from the cache")
                        let ttl =
                            try await redis.send(
                                "PTTL", SocialLookupCache.key(try SocialHandle(login, provider: .github))
                            ).int ?? 0
                        #expect(ttl > 50_000 && ttl <= 60_000)

                        for _ in 0..<2 {
                            let result = try await verifier.verify(
                                try Self.request("github", handle: missing), logger: VerificationTestEnv.logger)
                            #expect(!result.verified && !result.checks.exists)
                        }
                        #expect(fake.count("/users/") == 2, "not found is cached too")

                        // Token lookups are never cached.
                        for _ in 0..<2 {
                            _ = try await verifier.verify(
                                try Self.request("github", token: Fake.githubUserToken),
                                logger: VerificationTestEnv.logger)
                        }
                        #expect(fake.count("/user") - fake.count("/users/") == 2)

                        // Without a cache every lookup calls.
                        let uncached = Self.verifier(fake, http: http, redis: nil)
                        fake.reset()
                        for _ in 0..<3 {
                            _ = try await uncached.verify(
                                try Self.request("github", handle: login), logger: VerificationTestEnv.logger)
                        }
                        #expect(fake.count("/users/") == 3)
                    } cleanup: {
                        await Self.cleanCache(redis, [(login, .github), (missing, .github)])
                    }
                }
            }
        }
    }

    @Test func concurrentGitHubLookupsShareOneGraphQLCall() async throws {
        let logins =
            (0..<20).map { _ in VerificationTestEnv.uniqueLogin() } + [VerificationTestEnv.uniqueLogin("missing")]
        try await Fake.run { fake in
            try await withOutboundHTTP { http in
                try await withClient { redis in
                    try await withCleanup {
                        var verifier = Self.verifier(fake, http: http, redis: redis)
                        let api = verifier.github
                        let batcher = GitHubLookupBatcher(
                            window: .seconds(30), maximumBatch: logins.count, clock: ContinuousClock(),
                            fetch: api.fetchBatch)
                        verifier.githubBatch = { try await batcher.lookup($0) }
                        let shared = verifier
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            group.addTask { try await batcher.run() }
                            let results = try await withThrowingTaskGroup(of: VerifySocialResult.self) { lookups in
                                for login in logins {
                                    lookups.addTask {
                                        try await shared.verify(
                                            try Self.request("github", handle: login),
                                            logger: VerificationTestEnv.logger)
                                    }
                                }
                                return try await lookups.reduce(into: []) { $0.append($1) }
                            }
                            group.cancelAll()
                            #expect(results.count == logins.count)
                            #expect(results.filter(\.verified).count == logins.count - 1)
                        }
                        #expect(fake.count("/graphql") == 1, "\(logins.count) lookups, one call")
                        #expect(fake.count("/users/") == 0)
                    } cleanup: {
                        await Self.cleanCache(redis, logins.map { ($0, .github) })
                    }
                }
            }
        }
    }

    @Test func expectationsAreChecked() async throws {
        try await Fake.run { fake in
            try await withOutboundHTTP { http in
                let verifier = Self.verifier(fake, http: http, redis: nil)
                let expect = SocialExpectation(
                    name: "the  OCTOCAT", email: "OctoCat@GitHub.com", link: "https://blueprint.example/u/octocat",
                    minAgeDays: 365)
                let github = try await verifier.verify(
                    try Self.request("github", handle: "octocat", expect: expect), logger: VerificationTestEnv.logger)
                #expect(github.verified, "\(github.reasons)")
                #expect(
                    github.checks.link_found == true && github.checks.name_match == true
                        && github.checks.email_match == true)
                #expect(github.account?.created_at == "2011-01-25T18:44:36Z")
                let twitter = try await verifier.verify(
                    try Self.request(
                        "twitter", handle: "octocat",
                        expect: .init(name: "The Octocat", link: "https://blueprint.example/u/octocat")),
                    logger: VerificationTestEnv.logger)
                #expect(twitter.verified, "\(twitter.reasons)")
                let newbie = try await verifier.verify(
                    try Self.request("github", handle: "newbie", expect: .init(minAgeDays: 30)),
                    logger: VerificationTestEnv.logger)
                #expect(!newbie.verified && newbie.checks.account_age_days == 3)
                let linkedin = try await verifier.verify(
                    try Self.request(
                        "linkedin", token: Fake.linkedinUserToken,
                        expect: .init(name: "kim min jun", email: "mj.kim@example.com")),
                    logger: VerificationTestEnv.logger)
                #expect(linkedin.verified, "\(linkedin.reasons)")
                #expect(linkedin.checks.email_verified == true)
                let revoked = try await verifier.verify(
                    try Self.request("linkedin", token: "AQX_revoked"), logger: VerificationTestEnv.logger)
                #expect(!revoked.verified && revoked.reasons.first?.contains("refused the access token") == true)
            }
        }
    }

    @Test func providerFailuresBecomeTheRightJobErrors() async throws {
        try await Fake.run { fake in
            try await withOutboundHTTP { http in
                let verifier = Self.verifier(fake, http: http, redis: nil)
                func failure(_ provider: String, _ handle: String) async -> JobError? {
                    do {
                        _ = try await verifier.verify(
                            try Self.request(provider, handle: handle), logger: VerificationTestEnv.logger)
                        return nil
                    } catch let error as JobError {
                        return error
                    } catch {
                        Issue.record("not a JobError: \(error)")
                        return nil
                    }
                }
                let broken = await failure("github", "broken")
                #expect(broken?.kind == .transient && broken?.dependency == "github")
                let garbage = await failure("twitter", "garbage")
                #expect(garbage?.dependency == "twitter" && garbage?.message.contains("not valid JSON") == true)
                let huge = await failure("github", "huge")
                #expect(huge?.dependency == "github" && huge?.message.contains("larger than") == true, "\(String(describing: huge))")
                // Last: a rate limit pauses the provider's handle lookups (see the next test).
                let tooMany = await failure("github", "toomany")
                #expect(
                    tooMany?.kind == .transient && tooMany?.retryAfter == .seconds(30) && tooMany?.dependency == nil)
                let limited = await failure("twitter", "ratelimited")
                #expect(limited?.kind == .transient && (limited?.retryAfter ?? .zero) > .seconds(100))

                let noBearer = SocialVerifier(
                    github: verifier.github, linkedin: verifier.linkedin,
                    twitter: TwitterAPI(baseURL: fake.baseURL, bearerToken: nil, http: http))
                do {
                    _ = try await noBearer.verify(
                        try Self.request("twitter", handle: "octocat"), logger: VerificationTestEnv.logger)
                    Issue.record("looked up without a bearer token")
                } catch let error as JobError {
                    #expect(error.kind == .permanent && error.message.contains("TWITTER_BEARER_TOKEN"))
                }
            }
        }
    }

    @Test func aRateLimitPausesTheProvidersHandleLookups() async throws {
        try await Fake.run { fake in
            try await withOutboundHTTP { http in
                var verifier = Self.verifier(fake, http: http, redis: nil)
                let clock = LockedBox(Date())
                verifier.now = { clock.current }
                func error(_ request: VerifySocialRequest) async -> JobError? {
                    do {
                        _ = try await verifier.verify(request, logger: VerificationTestEnv.logger)
                        return nil
                    } catch { return error as? JobError }
                }
                #expect(await error(try Self.request("github", handle: "toomany"))?.retryAfter == .seconds(30))
                fake.reset()
                let paused = await error(try Self.request("github", handle: "octocat"))
                #expect(paused?.retryAfter == .seconds(30) && paused?.dependency == nil)
                #expect(fake.requests.isEmpty, "no call while GitHub asked us to wait")
                // Other providers, and a user's own token, are not paused.
                #expect(await error(try Self.request("twitter", handle: "octocat")) == nil)
                #expect(await error(try Self.request("github", token: Fake.githubUserToken)) == nil)
                clock.withLock { $0 = $0.addingTimeInterval(10) }
                #expect(await error(try Self.request("github", handle: "octocat"))?.retryAfter == .seconds(20))
                clock.withLock { $0 = $0.addingTimeInterval(21) }
                #expect(await error(try Self.request("github", handle: "octocat")) == nil, "open again after the wait")
                #expect(fake.count("/users/octocat") == 1)
            }
        }
    }

    @Test func jobsThroughTheEngineNeverLeakTheToken() async throws {
        let lines = LockedBox<[String]>([])
        var logger = Logger(label: "capture", factory: { _ in CapturingLogHandler(lines: lines) })
        logger.logLevel = .trace
        let login = VerificationTestEnv.uniqueLogin()
        let hostile = ["../", #"a\"){x}"#, "a\\nb", String(repeating: "a", count: 1000)]
        try await Fake.run { fake in
            try await withOutboundHTTP { http in
                try await withClient { redis in
                    let queue = VerificationTestEnv.queue()
                    try await withCleanup {
                        var registry = JobRegistry()
                        var verifier = Self.verifier(fake, http: http, redis: redis)
                        verifier.retryPolicy = RetryPolicy(
                            maximumRetries: 3, baseDelay: .milliseconds(50), maximumDelay: .milliseconds(100))
                        verifier.register(in: &registry, queues: [queue])
                        try await withEngine(queue: queue, registry: registry, client: redis, logger: logger) {
                            let producer = JobProducer(client: redis)
                            var jobs: [(String, String)] = [
                                (
                                    "gh-token",
                                    #"{"type":"verify_social","provider":"github","access_token":"\#(Fake.githubUserToken)","expect":{"name":"The Octocat"}}"#
                                ),
                                (
                                    "gh-token-bad",
                                    #"{"type":"verify_social","provider":"github","access_token":"\#(Fake.githubUserToken)X"}"#
                                ),
                                (
                                    "li-token",
                                    #"{"type":"verify_social","provider":"linkedin","access_token":"\#(Fake.linkedinUserToken)"}"#
                                ),
                                (
                                    "tw-token",
                                    #"{"type":"verify_social","provider":"twitter","access_token":"\#(Fake.twitterUserToken)"}"#
                                ),
                                (
                                    "tw-token-both",
                                    #"{"type":"verify_social","provider":"twitter","handle":"jack","access_token":"\#(Fake.twitterUserToken)"}"#
                                ),
                                (
                                    "tw-token-crlf",
                                    #"{"type":"verify_social","provider":"twitter","access_token":"\#(Fake.twitterUserToken)\r\nX-Evil: 1"}"#
                                ),
                                ("handle", #"{"type":"verify_social","provider":"github","handle":"\#(login)"}"#),
                                ("missing", #"{"type":"verify_social","provider":"github","handle":"missing-zz9"}"#),
                                ("garbage-args", #"{"type":"verify_social","provider":7}"#),
                            ]
                            for (index, handle) in hostile.enumerated() {
                                jobs.append(
                                    (
                                        "hostile-\(index)",
                                        #"{"type":"verify_social","provider":"github","handle":"\#(handle)"}"#
                                    ))
                            }
                            for (key, job) in jobs {
                                _ = try await producer.enqueue(
                                    queue: queue, jobData: job, options: .init(idempotencyKey: "\(key)-\(queue)"))
                            }
                            try await waitUntil("all outcomes") {
                                try await outcomes(redis, queue: queue).count == jobs.count
                            }
                            let results = try await outcomes(redis, queue: queue)
                            func outcome(_ key: String) -> [String: String] { results["\(key)-\(queue)"] ?? [:] }
                            #expect(outcome("gh-token")["status"] == "succeeded")
                            #expect(
                                outcome("gh-token")["result"]?.contains(#""verified":true"#) == true,
                                "\(outcome("gh-token"))")
                            #expect(outcome("gh-token-bad")["status"] == "succeeded")
                            #expect(outcome("gh-token-bad")["result"]?.contains(#""verified":false"#) == true)
                            #expect(outcome("li-token")["result"]?.contains(#""provider":"linkedin""#) == true)
                            #expect(outcome("tw-token")["status"] == "succeeded")
                            #expect(outcome("tw-token-both")["status"] == "dead")
                            #expect(outcome("tw-token-crlf")["status"] == "dead")
                            #expect(outcome("handle")["result"]?.contains(#""handle":"\#(login)""#) == true)
                            #expect(outcome("missing")["result"]?.contains(#""exists":false"#) == true)
                            #expect(outcome("garbage-args")["status"] == "dead")
                            for index in hostile.indices {
                                #expect(outcome("hostile-\(index)")["status"] == "dead")
                                #expect(
                                    outcome("hostile-\(index)")["error"]?.contains("not a valid GitHub login") == true)
                            }
                            let paths = fake.requests.map(\.path)
                            #expect(
                                !paths.contains { $0.contains("..") || $0.contains("\"") || $0.count > 100 }, "\(paths)"
                            )
                            #expect(fake.count("/users/") == 2, "only the two valid handles were looked up")

                            let everything = lines.current.joined(separator: "\n") + results.description
                            #expect(!lines.current.isEmpty, "the capture works")
                            for token in [
                                Fake.githubUserToken, Fake.linkedinUserToken, Fake.twitterUserToken,
                                Fake.githubAppToken, Fake.twitterAppToken,
                            ] {
                                #expect(!everything.contains(token), "\(token) leaked")
                            }
                            let cached =
                                try await redis.send(
                                    "GET", SocialLookupCache.key(try SocialHandle(login, provider: .github))
                                ).string ?? ""
                            #expect(!cached.isEmpty && !cached.contains(Fake.githubUserToken))
                        }
                    } cleanup: {
                        await deleteQueue(redis, queue)
                        await Self.cleanCache(redis, [(login, .github), ("missing-zz9", .github)])
                    }
                }
            }
        }
    }

    @Test func aRateLimitedJobIsRetriedAtTheProvidersTime() async throws {
        try await Fake.run { fake in
            try await withOutboundHTTP { http in
                try await withClient { redis in
                    let queue = VerificationTestEnv.queue()
                    try await withCleanup {
                        var registry = JobRegistry()
                        Self.verifier(fake, http: http, redis: nil).register(in: &registry, queues: [queue])
                        try await withEngine(queue: queue, registry: registry, client: redis) {
                            let producer = JobProducer(client: redis)
                            let before = Int64(Date().timeIntervalSince1970 * 1000)
                            _ = try await producer.enqueue(
                                queue: queue,
                                jobData: #"{"type":"verify_social","provider":"github","handle":"toomany"}"#)
                            let delayed = QueueKeys(queue: queue, group: "g").delayed
                            try await waitUntil("the job is delayed") {
                                (try await redis.send("ZCARD", delayed).int ?? 0) == 1
                            }
                            let reply = try await redis.send("ZRANGE", delayed, "0", "0", "WITHSCORES")
                            // RESP3: [[member, score]]; RESP2: [member, "score"].
                            func number(_ value: RESPValue) -> Double? {
                                if case .double(let double) = value { return double }
                                return value.string.flatMap(Double.init)
                            }
                            var flat: [RESPValue] = []
                            if case .array(let items) = reply {
                                for item in items {
                                    if case .array(let pair) = item { flat += pair } else { flat.append(item) }
                                }
                            }
                            guard flat.count == 2, let score = number(flat[1]) else {
                                Issue.record("unexpected ZRANGE reply \(reply)")
                                return
                            }
                            let wait = Int64(score) - before
                            #expect(wait >= 29_000 && wait <= 40_000, "Retry-After: 30 honoured (waited \(wait) ms)")
                        }
                    } cleanup: {
                        await deleteQueue(redis, queue)
                    }
                }
            }
        }
    }
}
