import Foundation
import RESP
import RedisClient
import TestSupport
import Testing

@testable import JobEngine

struct StatsProbeArguments: Codable, Sendable {
    /// What the job does: "ok", "reject", "die", or "flaky:<redis key>" (fails while DECR >= 0).
    var mode: String
}

/// The engine's stats and lookup-index writes against the real test Redis.
@Suite("Job stats recorded by the engine", .serialized)
struct JobStatsRecordingTests {
    static func registry() -> JobRegistry {
        var registry = JobRegistry()
        registry.register(JobDefinition<StatsProbeArguments>(name: "probe", retryPolicy: fastRetries(2))) { args, context in
            switch args.mode {
            case "ok": return ["ok": true]
            case "reject": throw JobError.rejected(reason: "policy", message: "not allowed")
            case "die": throw JobError.permanent("broken on purpose")
            default:
                let key = String(args.mode.dropFirst("flaky:".count))
                let left = try await context.redis.send(RESPCommand("DECR", [key])).int ?? 0
                if left >= 0 { throw JobError.transient("flaky") }
                return ["ok": true]
            }
        }
        return registry
    }

    /// Sums of every stats hash of the queue (the run may straddle a minute boundary).
    static func stats(_ client: RedisClient, _ keys: QueueKeys) async throws -> (MinuteStats, [String]) {
        let found = try await scanKeys(client, "{\(keys.stream)}:stats:*")
        var total = MinuteStats(minute: 0)
        for key in found {
            let pairs = try await client.send(RESPCommand("HGETALL", [key])).pairs ?? []
            let minute = MinuteStats(minute: 0, fields: pairs.compactMap { p in p.key.string.flatMap { k in p.value.string.map { (k, $0) } } })
            for (name, n) in minute.outcomes { total.outcomes[name, default: 0] += n }
            total.wait.merge(minute.wait)
            total.run.merge(minute.run)
        }
        return (total, found)
    }

    static func cleanup(_ client: RedisClient, _ keys: QueueKeys) async throws {
        let patterns = ["{\(keys.stream)}:*", keys.stream]
        for pattern in patterns {
            let found = try await scanKeys(client, pattern)
            if !found.isEmpty { try await client.send(RESPCommand("DEL", found)) }
        }
    }

    @Test func outcomesRetriesAndTimingsLandInTheMinuteHashWithATTL() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            var configuration = TestEnv.engineConfiguration(keys)
            configuration.jobIndexRetention = .seconds(JobStatsSchema.jobIndexTTLSeconds)  // off by default
            let engine = RunningEngine(configuration: configuration, registry: Self.registry(), client: client)
            var producer = JobProducer(client: client)
            // Enqueued "3 s ago": every first attempt waited 3 s or a little more, i.e. bucket (2 s, 5 s].
            producer.now = { Int64(Date().timeIntervalSince1970 * 1000) - 3000 }
            let flaky = keys.stream + ":flaky"
            try await client.send("SET", flaky, "1")  // DECR 0: fails once; DECR -1: succeeds
            var ids: [String: String] = [:]
            for mode in ["ok", "ok", "ok", "reject", "die", "flaky:" + flaky] {
                ids[mode] = try await producer.enqueue(queue: keys.stream, type: "probe", arguments: StatsProbeArguments(mode: mode))
            }
            try await waitUntil("six outcomes") { try await client.xlen(keys.results) == 6 }
            await engine.stop()

            let (stats, hashes) = try await Self.stats(client, keys)
            #expect(stats.outcomes == ["succeeded": 4, "rejected": 1, "dead": 1, "retried": 1])
            #expect(stats.wait.total == 7, "one per attempt: 6 first attempts + 1 retry")
            #expect(stats.run.total == 7)
            // The 6 first attempts waited 3 s+ (bucket 5000); the retry waited its short back-off only.
            #expect(stats.wait.counts[LatencyHistogram.bucketIndex(milliseconds: 5000)] == 6)
            for hash in hashes {
                let ttl = try await client.send(RESPCommand("TTL", [hash])).int ?? -3
                #expect(ttl > 7000 && ttl <= JobStatsSchema.ttlSeconds, "a TTL of about 2 h (\(ttl))")
            }

            // The lookup index names each finished job's results entry.
            for (mode, status) in [("ok", "succeeded"), ("reject", "rejected"), ("die", "dead"), ("flaky:" + flaky, "succeeded")] {
                let id = try #require(ids[mode])
                let value = try #require(try await client.send(RESPCommand("GET", [keys.jobIndex(jobID: id)])).string)
                let parts = value.split(separator: " ")
                #expect(parts.count == 2 && parts[0] == Substring(status), "\(mode): \(value)")
                let entry = try #require(try await client.xrange(keys.results, start: String(parts[1]), end: String(parts[1])).first)
                #expect(entry["job_id"] == id)
                #expect(entry["status"] == status)
                let ttl = try await client.send(RESPCommand("TTL", [keys.jobIndex(jobID: id)])).int ?? -3
                #expect(ttl > 86_000 && ttl <= JobStatsSchema.jobIndexTTLSeconds)
            }
            try await Self.cleanup(client, keys)
        }
    }

    @Test func withTheIndexOffNoJobKeysAreWrittenButStatsAre() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            var configuration = TestEnv.engineConfiguration(keys)
            configuration.jobIndexRetention = .zero
            let engine = RunningEngine(configuration: configuration, registry: Self.registry(), client: client)
            let producer = JobProducer(client: client)
            for mode in ["ok", "ok", "die"] {
                _ = try await producer.enqueue(queue: keys.stream, type: "probe", arguments: StatsProbeArguments(mode: mode))
            }
            try await waitUntil("three outcomes") { try await client.xlen(keys.results) == 3 }
            await engine.stop()
            #expect(try await scanKeys(client, "{\(keys.stream)}:job:*").isEmpty)
            #expect(try await Self.stats(client, keys).0.outcomes == ["succeeded": 2, "dead": 1])
            try await Self.cleanup(client, keys)
        }
    }

    @Test func aBatchCountsEachJobOnceAndKeepsTheExistingTTL() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            let engine = RunningEngine(configuration: TestEnv.engineConfiguration(keys, concurrency: 64), registry: Self.registry(), client: client)
            _ = try await JobProducer(client: client).enqueueBulk(
                queue: keys.stream, type: "probe", arguments: Array(repeating: StatsProbeArguments(mode: "ok"), count: 600))
            try await waitUntil("600 outcomes") { try await client.xlen(keys.results) == 600 }
            await engine.stop()
            let (stats, hashes) = try await Self.stats(client, keys)
            #expect(stats.outcomes == ["succeeded": 600])
            #expect(stats.wait.total == 600 && stats.run.total == 600)
            #expect(!hashes.isEmpty && hashes.count <= 2)
            // A later batch adds to an existing hash and leaves its TTL alone (EXPIRE NX). The hashes
            // of this minute and the next exist with a 5000 s TTL, so the job lands in one of them.
            let minute = JobStatsSchema.minute(ofMilliseconds: Int64(Date().timeIntervalSince1970 * 1000))
            let existing = [keys.stats(minute: minute), keys.stats(minute: minute + 1)]
            for key in existing {
                try await client.send(RESPCommand("HINCRBY", [key, "succeeded", "0"]))
                try await client.send(RESPCommand("EXPIRE", [key, "5000"]))
            }
            let before = try await Self.stats(client, keys).0.count("succeeded")
            let again = RunningEngine(configuration: TestEnv.engineConfiguration(keys), registry: Self.registry(), client: client)
            _ = try await JobProducer(client: client).enqueue(queue: keys.stream, type: "probe", arguments: StatsProbeArguments(mode: "ok"))
            try await waitUntil("601 outcomes") { try await client.xlen(keys.results) == 601 }
            await again.stop()
            #expect(try await Self.stats(client, keys).0.count("succeeded") == before + 1)
            for key in existing {
                let ttl = try await client.send(RESPCommand("TTL", [key])).int ?? -3
                #expect(ttl > 0 && ttl <= 5000, "TTL kept: \(ttl)")
            }
            try await Self.cleanup(client, keys)
        }
    }
}
