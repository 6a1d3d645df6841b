import Foundation
import Logging
import NIOConcurrencyHelpers
import RESP
import RedisClient
import TestSupport
import Testing

@testable import JobEngine
@testable import Observability
@testable import Policies
@testable import Secrets

@Suite("Per-user limits in Redis (sliding-window log script)")
struct RateLimiterTests {
    /// A limiter on the test Redis with an injected clock and a unique key prefix.
    static func limiter(_ client: RedisClient, clock: NIOLockedValueBox<Int64>) -> RateLimiter {
        RateLimiter(client: client, keyPrefix: "t:limit:\(UUID().uuidString.prefix(8))", now: { clock.withLockedValue { $0 } })
    }

    @Test("exactly the limit is allowed; the denial says when it frees up")
    func exactLimit() async throws {
        try await withTestClient { (client: RedisClient) async throws -> Void in
            let clock = NIOLockedValueBox<Int64>(1_700_000_000_000)
            let limiter = Self.limiter(client, clock: clock)
            var allowed = 0
            for index in 0..<25 {
                clock.withLockedValue { $0 += 1000 }
                let decision = try await limiter.check(TestLimits.email, subject: "user:1", token: "job-\(index)")
                if decision.allowed { allowed += 1 } else {
                    // The first admitted job was at +1000 ms; one hour later it leaves the window.
                    let expected: Int64 = 1_700_000_000_000 + 1000 + 3_600_000
                    #expect(decision.freesAtMilliseconds == expected)
                    #expect(decision.used == 10)
                }
            }
            #expect(allowed == 10)
            let other = try await limiter.check(TestLimits.email, subject: "user:2", token: "x")
            #expect(other.allowed, "limits are per subject")
        }
    }

    @Test("window rollover on an injected clock: units come back exactly when they leave the window")
    func rollover() async throws {
        try await withTestClient { (client: RedisClient) async throws -> Void in
            let start: Int64 = 1_700_000_000_000
            let clock = NIOLockedValueBox<Int64>(start)
            let limiter = Self.limiter(client, clock: clock)
            let limit = RateLimit(action: "sms", limit: 3, window: .seconds(60))
            for (offset, token) in [(0, "a"), (10_000, "b"), (20_000, "c")] {
                clock.withLockedValue { $0 = start + Int64(offset) }
                #expect(try await limiter.check(limit, subject: "u", token: token).allowed)
            }
            clock.withLockedValue { $0 = start + 59_999 }
            let denied = try await limiter.check(limit, subject: "u", token: "d")
            #expect(!denied.allowed && denied.freesAtMilliseconds == start + 60_000)
            #expect(denied.retryAfterSeconds(now: start + 59_999) == 1)
            clock.withLockedValue { $0 = start + 60_000 }
            #expect(try await limiter.check(limit, subject: "u", token: "d").allowed, "a left the window")
            #expect(!(try await limiter.check(limit, subject: "u", token: "e").allowed))
            clock.withLockedValue { $0 = start + 200_000 }
            for token in ["f", "g", "h"] { #expect(try await limiter.check(limit, subject: "u", token: token).allowed) }
            #expect(!(try await limiter.check(limit, subject: "u", token: "i").allowed))
        }
    }

    @Test("a token already counted is allowed again without being charged twice; peek consumes nothing")
    func idempotentTokens() async throws {
        try await withTestClient { (client: RedisClient) async throws -> Void in
            let clock = NIOLockedValueBox<Int64>(1_700_000_000_000)
            let limiter = Self.limiter(client, clock: clock)
            let limit = RateLimit(action: "email", limit: 2, window: .seconds(3600))
            #expect(try await limiter.check(limit, subject: "u", token: "job-1").used == 1)
            #expect(try await limiter.check(limit, subject: "u", token: "job-1").used == 1)
            #expect(try await limiter.check(limit, subject: "u", token: "job-2", consume: false).used == 1)
            #expect(try await limiter.check(limit, subject: "u", token: "job-2").used == 2)
            #expect(!(try await limiter.check(limit, subject: "u", token: "job-3").allowed))
            #expect(try await limiter.check(limit, subject: "u", token: "job-2").allowed, "a retry of an admitted job")
        }
    }

    @Test("byte limits charge the cost; a cost above the whole limit never fits")
    func bytes() async throws {
        try await withTestClient { (client: RedisClient) async throws -> Void in
            let start: Int64 = 1_700_000_000_000
            let clock = NIOLockedValueBox<Int64>(start)
            let limiter = Self.limiter(client, clock: clock)
            let limit = TestLimits.upload  // 10 MB per day
            #expect(try await limiter.check(limit, subject: "u", cost: 6 << 20, token: "a").allowed)
            clock.withLockedValue { $0 = start + 1000 }
            #expect(try await limiter.check(limit, subject: "u", cost: 3 << 20, token: "b").allowed)
            let denied = try await limiter.check(limit, subject: "u", cost: 2 << 20, token: "c")
            #expect(!denied.allowed && denied.used == 9 << 20 && denied.freesAtMilliseconds == start + 86_400_000)
            #expect(try await limiter.check(limit, subject: "u", cost: 1 << 20, token: "d").allowed)
            let huge = try await limiter.check(limit, subject: "u2", cost: 11 << 20, token: "e")
            #expect(!huge.allowed && huge.freesAtMilliseconds == nil)
            clock.withLockedValue { $0 = start + 86_400_000 }
            #expect(try await limiter.check(limit, subject: "u", cost: 2 << 20, token: "c").allowed)
            // Keys expire with the window, and the used counter matches the log.
            let keys = limiter.keys(action: "upload", subject: "u")
            #expect(try await client.send(RESPCommand("GET", [keys.used])).string == String(6 << 20))
            let ttl = try await client.send(RESPCommand("PTTL", [keys.log])).int ?? -1
            #expect(ttl > 0 && ttl <= 86_400_000)
        }
    }

    @Test("concurrent checks from many tasks admit exactly the limit")
    func concurrent() async throws {
        try await withTestClient { (client: RedisClient) async throws -> Void in
            let clock = NIOLockedValueBox<Int64>(1_700_000_000_000)
            let limiter = Self.limiter(client, clock: clock)
            let allowed = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<200 {
                    group.addTask { try await limiter.check(TestLimits.sms, subject: "user:9", token: "j\(index)").allowed }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(allowed == 5)
        }
    }

    @Test("the policy rejects over the limit with reason rate_limited, limits recipients without user_id, and skips the rest")
    func policy() async throws {
        try await withTestClient { (client: RedisClient) async throws -> Void in
            let clock = NIOLockedValueBox<Int64>(1_795_741_200_000)  // 2026-11-27T01:00:00Z
            let limiter = Self.limiter(client, clock: clock)
            let rules = try RateLimitRules(parsing: "email=2/1h", base: TestLimits.rules)
            let policy = RateLimitPolicy(limiter: limiter, rules: rules, logger: Logger(label: "t"))
            func job(_ id: String, user: String?, type: String = "send_email", arguments: String = #"{"type":"send_email","to":"a@example.com"}"#) -> JobAdmission {
                JobAdmission(queue: "email_queue", type: type, jobID: id, attempt: 1, userID: user, dependencies: [], arguments: Data(arguments.utf8))
            }
            #expect(await policy.admit(job("1", user: "42")) == .proceed)
            #expect(await policy.admit(job("2", user: "42")) == .proceed)
            let third = await policy.admit(job("3", user: "42"))
            #expect(third == .rejected(reason: "rate_limited",
                                       message: "limit of 2 email per 1h reached for this user (2 used); frees up at 2026-11-27T02:00:00.000Z"))
            // Without user_id: per recipient.
            #expect(await policy.admit(job("4", user: nil)) == .proceed)
            #expect(await policy.admit(job("5", user: nil)) == .proceed)
            guard case .rejected(let reason, let message) = await policy.admit(job("6", user: nil)) else {
                Issue.record("recipient not limited")
                return
            }
            #expect(reason == "rate_limited" && message.contains("this recipient") && !message.contains("a@example.com"))
            #expect(await policy.admit(job("7", user: nil, arguments: #"{"type":"send_email"}"#)) == .proceed)
            #expect(await policy.admit(job("8", user: "42", type: "canary", arguments: #"{"type":"canary"}"#)) == .proceed)
        }
    }

    @Test("limit settings parse with clear errors")
    func settings() throws {
        let rules = try RateLimitRules(parsing: "email=20/1h, sms=off, upload=5MB/1d, canary=7/30m", base: TestLimits.rules)
        #expect(rules.limit(forJobType: "send_email") == RateLimit(action: "email", limit: 20, window: .seconds(3600)))
        #expect(rules.limit(forJobType: "send_sms") == nil)
        #expect(rules.limit(forJobType: "optimize_image") == RateLimit(action: "upload", limit: 5 << 20, window: .seconds(86_400), unit: .bytes))
        #expect(rules.limit(forJobType: "canary")?.description == "7 canary per 30m")
        #expect(TestLimits.rules.limit(forJobType: "send_sms_code")?.description == "5 sms per 1d")
        #expect(TestLimits.rules.limit(forJobType: "process_document")?.description == "10MB upload per 1d")
        for (text, expected) in [("email", "is not name=N/period"), ("email=10", "expected N/period"), ("email=0/1h", "positive integer"),
                                 ("email=10/1w", "period must be"), ("{x}=1/1h", "not a valid action name")] {
            #expect(throws: RateLimitSettingError.self) { try RateLimitRules(parsing: text, base: TestLimits.rules) }
            do { _ = try RateLimitRules(parsing: text, base: TestLimits.rules) } catch { #expect(error.message.contains(expected), "\(error.message)") }
        }
    }
}
