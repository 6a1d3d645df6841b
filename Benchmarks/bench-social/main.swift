// HTTP calls per 1,000 `verify_social` jobs with the lookup cache and the batched GitHub GraphQL
// lookups on vs off (issue 11; `make bench-social`).
//
// BENCH_JOBS (1000) GitHub handle lookups over BENCH_HANDLES (300) distinct handles, in a fixed
// shuffled order, BENCH_CONCURRENCY (32, the verification queue's default) at a time, through
// SocialVerifier against the in-process fake GitHub (TestSupport's FakeSocialAPI) and a private
// redis-server (started and stopped here, on a free port):
//   off: no cache, no batching: one REST call per job;
//   on:  Redis cache (TTL 1 h) + GraphQL batches (15 ms window, up to 50 handles).
// The figure is a count of requests the fake received, not a timing, so a debug build is fine.
//
// Output: `key=value` lines (off_http_calls, on_http_calls, on_graphql_calls, on_rest_calls,
// on_cache_hits, ...).
import Foundation
import Logging
import OutboundHTTP
import RedisClient
import TestSupport
import Verification

func env(_ name: String, _ value: Int) -> Int {
    ProcessInfo.processInfo.environment[name].flatMap(Int.init) ?? value
}

let jobs = env("BENCH_JOBS", 1000)
let distinct = env("BENCH_HANDLES", 300)
let concurrency = env("BENCH_CONCURRENCY", 32)
let logger = Logger(label: "bench-social", factory: { _ in SwiftLogNoOpLogHandler() })

/// A fixed permutation of the lookups: each handle about jobs/distinct times, repeats spread out.
let run = UUID().uuidString.prefix(6).lowercased()
var generator = SplitMix64(seed: 11)
let order: [String] = (0..<jobs).map { "bench-\(run)-\($0 % distinct)" }.shuffled(using: &generator)

struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { self.state = seed }
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

struct Figures {
    var calls = 0
    var graphql = 0
    var rest = 0
    var cacheHits = 0
    var verified = 0
    var seconds = 0.0
}

/// Runs every lookup of `order`, `concurrency` at a time.
func lookups(_ verifier: SocialVerifier) async throws -> (cached: Int, verified: Int) {
    try await withThrowingTaskGroup(of: VerifySocialResult.self) { group in
        var cached = 0
        var verified = 0
        var next = 0
        while next < order.count || !group.isEmpty {
            // Keep `concurrency` lookups in flight, like the queue's consumer.
            if next < order.count {
                let handle = order[next]
                next += 1
                group.addTask {
                    try await verifier.verify(
                        try VerifySocialRequest(VerifySocialArguments(provider: "github", handle: handle)),
                        logger: logger)
                }
                if next < concurrency { continue }
            }
            guard let result = try await group.next() else { break }
            if result.checks.cached { cached += 1 }
            if result.verified { verified += 1 }
        }
        return (cached, verified)
    }
}

func measure(_ fake: FakeSocialAPI, http: OutboundHTTPClient, redis: RedisClient?, batching: Bool) async throws
    -> Figures
{
    fake.reset()
    let github = GitHubAPI(baseURL: fake.baseURL, appToken: FakeSocialAPI.githubAppToken, http: http)
    var verifier = SocialVerifier(
        github: github, linkedin: LinkedInAPI(baseURL: fake.baseURL, http: http),
        twitter: TwitterAPI(baseURL: fake.baseURL, bearerToken: FakeSocialAPI.twitterAppToken, http: http))
    if let redis { verifier.cache = SocialLookupCache(redis: redis, ttl: .seconds(3600)) }
    let started = ContinuousClock.now
    let outcome: (cached: Int, verified: Int)
    if batching {
        let batcher = GitHubLookupBatcher(
            window: .milliseconds(15), maximumBatch: 50, clock: ContinuousClock(), fetch: github.fetchBatch)
        verifier.githubBatch = { try await batcher.lookup($0) }
        let configured = verifier
        outcome = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await batcher.run() }
            defer { group.cancelAll() }
            return try await lookups(configured)
        }
    } else {
        outcome = try await lookups(verifier)
    }
    let elapsed = ContinuousClock.now - started
    var figures = Figures()
    figures.calls = fake.requests.count
    figures.graphql = fake.count("/graphql")
    figures.rest = fake.count("/users/")
    figures.cacheHits = outcome.cached
    figures.verified = outcome.verified
    figures.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return figures
}

/// Off, on, and batching without the cache; prints the figures.
func benchmark() async throws {
    try await withPrivateRedis { server in
        try await FakeSocialAPI.run { fake in
            try await withOutboundHTTP { http in
                let redis = RedisClient(configuration: server.configuration, logger: logger)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await redis.run() }
                    defer { group.cancelAll() }
                    let off = try await measure(fake, http: http, redis: nil, batching: false)
                    let on = try await measure(fake, http: http, redis: redis, batching: true)
                    let batchingOnly = try await measure(fake, http: http, redis: nil, batching: true)
                    func per1000(_ calls: Int) -> String { String(format: "%.1f", Double(calls) * 1000 / Double(jobs)) }
                    print("jobs=\(jobs) distinct_handles=\(distinct) concurrency=\(concurrency)")
                    print(
                        "off_http_calls=\(off.calls) off_calls_per_1000_jobs=\(per1000(off.calls)) off_seconds=\(String(format: "%.2f", off.seconds))"
                    )
                    print(
                        "on_http_calls=\(on.calls) on_calls_per_1000_jobs=\(per1000(on.calls)) on_graphql_calls=\(on.graphql) on_rest_calls=\(on.rest) on_cache_hits=\(on.cacheHits) on_seconds=\(String(format: "%.2f", on.seconds))"
                    )
                    print(
                        "batching_only_http_calls=\(batchingOnly.calls) batching_only_calls_per_1000_jobs=\(per1000(batchingOnly.calls))"
                    )
                    print("verified_off=\(off.verified) verified_on=\(on.verified)")
                    guard off.verified == jobs, on.verified == jobs else {
                        FileHandle.standardError.write(Data("bench-social: some lookups did not verify\n".utf8))
                        exit(1)
                    }
                }
            }
        }
    }
}

try await benchmark()
