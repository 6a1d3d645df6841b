import Foundation
import NIOCore
import RESP
import RedisClient
import TestSupport
import Testing

@testable import JobEngine
import Diagnostics

/// Arguments of the seed's `send_email` line, as a test handler sees them.
struct SeedEmail: Codable, Sendable {
    var to: String
    var template: String
}

struct FlakyArguments: Codable, Sendable {
    /// Redis key whose integer value says how many more runs should fail.
    var failures_key: String
}

func fastRetries(_ retries: Int = 3) -> RetryPolicy {
    RetryPolicy(maximumRetries: retries, baseDelay: .milliseconds(20), maximumDelay: .milliseconds(50))
}

@Suite("Job engine against a real redis-server", .serialized)
struct EngineIntegrationTests {
    @Test func seedRedisCliLineIsProcessedLikeASwiftJob() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            var registry = JobRegistry()
            registry.register(JobDefinition<SeedEmail>(name: "send_email")) { args, _ in
                ["delivered_to_template": args.template]
            }
            let engine = RunningEngine(configuration: TestEnv.engineConfiguration(keys), registry: registry, client: client)
            // Exactly the seed's line, sent as raw XADD.
            let rawID = try await client.send(RESPCommand("XADD", [keys.stream, "*", "job_data",
                #"{"type":"send_email","to":"user@example.com","template":"welcome"}"#])).string!
            let swiftID = try await JobProducer(client: client).enqueue(
                queue: keys.stream, type: "send_email", arguments: SeedEmail(to: "user@example.com", template: "welcome"))
            try await waitUntil("two outcomes") { try await outcomes(client, keys).count == 2 }
            let results = try await outcomes(client, keys)
            #expect(Set(results.compactMap { $0["job_id"] }) == [rawID, swiftID])
            for result in results {
                #expect(result["status"] == "succeeded")
                #expect(result["type"] == "send_email")
                #expect(result["attempts"] == "1")
                #expect(result["result"] == #"{"delivered_to_template":"welcome"}"#)
                #expect(result["duration_ms"] != nil)
            }
            try await waitUntil("queue drained") { try await client.xlen(keys.stream) == 0 }
            #expect(try await client.xpending(keys.stream, group: keys.group).count == 0)
            await engine.stop()
        }
    }

    @Test func bulkEnqueueDrainsToZero() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            var registry = JobRegistry()
            CanaryJob.register(in: &registry)
            let engine = RunningEngine(configuration: TestEnv.engineConfiguration(keys, concurrency: 64), registry: registry, client: client)
            let ids = try await JobProducer(client: client).enqueueBulk(
                queue: keys.stream, type: "canary", arguments: Array(repeating: CanaryArguments(), count: 2000))
            #expect(ids.count == 2000)
            try await waitUntil("2000 outcomes") { try await client.xlen(keys.results) == 2000 }
            let results = try await outcomes(client, keys)
            #expect(Set(results.compactMap { $0["job_id"] }) == Set(ids))
            #expect(results.allSatisfy { $0["status"] == "succeeded" })
            #expect(try await client.xlen(keys.stream) == 0)
            #expect(try await client.xpending(keys.stream, group: keys.group).count == 0)
            await engine.stop()
        }
    }

    @Test func transientFailuresRetryThenSucceedWithOneJobID() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            var registry = JobRegistry()
            registry.register(JobDefinition<FlakyArguments>(name: "flaky", retryPolicy: fastRetries())) { args, context in
                let left = try await context.redis.send(RESPCommand("DECR", [args.failures_key])).int ?? 0
                if left >= 0 { throw JobError.transient("still failing (\(left) left)") }
                return ["attempt": context.attempt]
            }
            let engine = RunningEngine(configuration: TestEnv.engineConfiguration(keys), registry: registry, client: client)
            let failures = keys.stream + ":failures"
            try await client.send("SET", failures, "2")
            let id = try await JobProducer(client: client).enqueue(queue: keys.stream, type: "flaky", arguments: FlakyArguments(failures_key: failures))
            try await waitUntil("outcome") { try await client.xlen(keys.results) == 1 }
            let result = try #require(try await outcomes(client, keys).first)
            #expect(result["job_id"] == id)
            #expect(result["status"] == "succeeded")
            #expect(result["attempts"] == "3")
            #expect(try await client.zcard(keys.delayed) == 0)
            await engine.stop()
        }
    }

    @Test func exhaustedRetriesGoDeadAndReplayWorks() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            var registry = JobRegistry()
            registry.register(JobDefinition<FlakyArguments>(name: "flaky", retryPolicy: fastRetries(2))) { args, _ in
                let left = try await client.send(RESPCommand("DECR", [args.failures_key])).int ?? 0
                if left >= 0 { throw JobError.transient("dependency unavailable") }
                return JobNoResult()
            }
            let engine = RunningEngine(configuration: TestEnv.engineConfiguration(keys), registry: registry, client: client)
            let failures = keys.stream + ":failures"
            try await client.send("SET", failures, "3")  // 3 failures > 1 run + 2 retries
            let id = try await JobProducer(client: client).enqueue(
                queue: keys.stream, type: "flaky", arguments: FlakyArguments(failures_key: failures),
                options: EnqueueOptions(userID: "u1", idempotencyKey: "idem-\(keys.stream)"))
            let store = DeadLetterStore(keys: keys, client: client)
            try await waitUntil("dead letter") { try await store.count() == 1 }
            let letter = try #require(try await store.list().first)
            #expect(letter.error?.hasPrefix("retries exhausted after 3 attempts") == true)
            #expect(letter.attempts == 3)
            #expect(letter.jobID == "idem-\(keys.stream)", "the idempotency key is the job ID")
            #expect(id.contains("-"), "enqueue returns the stream entry ID")
            #expect(letter.fields["user_id"] == "u1")
            #expect(letter.fields["worker"] != nil && letter.fields["failed_at"] != nil)
            let firstOutcome = try #require(try await outcomes(client, keys).first)
            #expect(firstOutcome["status"] == "dead")
            #expect(firstOutcome["attempts"] == "3")

            // The dependency is back: replay runs it again from attempt 1, despite the idempotency key.
            #expect(try await store.replay(ids: [letter.id]) == 1)
            try await waitUntil("second outcome") { try await client.xlen(keys.results) == 2 }
            let second = try #require(try await outcomes(client, keys).last)
            #expect(second["status"] == "succeeded")
            #expect(second["attempts"] == "1")
            #expect(second["job_id"] == "idem-\(keys.stream)")
            #expect(try await store.count() == 0)
            await engine.stop()
        }
    }

    @Test func retryAfterOverridesBackoff() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            var registry = JobRegistry()
            registry.register(JobDefinition<CanaryArguments>(name: "slowdown", retryPolicy: fastRetries())) { _, context in
                if context.attempt == 1 { throw JobError.transient("429", retryAfter: .seconds(30)) }
                return JobNoResult()
            }
            let engine = RunningEngine(configuration: TestEnv.engineConfiguration(keys), registry: registry, client: client)
            let before = Int64(Date().timeIntervalSince1970 * 1000)
            try await JobProducer(client: client).enqueue(queue: keys.stream, type: "slowdown", arguments: CanaryArguments())
            try await waitUntil("delayed") { try await client.zcard(keys.delayed) == 1 }
            let scored = try await client.send(RESPCommand("ZRANGE", [keys.delayed, "0", "-1", "WITHSCORES"]))
            // RESP3 replies [[member, score]]; RESP2 a flat [member, score].
            let scoreValue = scored.array?.last?.array?.last ?? scored.array?.last
            let due: Int64
            if case .double(let d)? = scoreValue { due = Int64(d) } else { due = Int64(try #require(scoreValue?.string.flatMap { Double($0) })) }
            #expect(due >= before + 29_000, "Retry-After of 30 s is honoured instead of a 20-50 ms backoff")
            await engine.stop()
        }
    }

    @Test func poisonInputIsDeadLetteredAndTheWorkerGoesOn() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            var registry = JobRegistry()
            CanaryJob.register(in: &registry)
            registry.register(JobDefinition<SeedEmail>(name: "send_email")) { _, _ in JobNoResult() }
            var configuration = TestEnv.engineConfiguration(keys)
            configuration.maximumPayloadBytes = 1 << 20
            let engine = RunningEngine(configuration: configuration, registry: registry, client: client)
            let twentyMB = "{\"type\":\"canary\",\"pad\":\"" + String(repeating: "x", count: 20 << 20) + "\"}"
            let poison: [(fields: [String], expected: String)] = [
                (["job_data", "not json at all"], "job_data is not a JSON object"),
                (["job_data", #"{"to":"a@b.c"}"#], "job_data has no \"type\""),
                (["job_data", #"{"type":"no_such_job"}"#], "unknown job type 'no_such_job'"),
                (["job_data", #"{"type":"send_email","template":"welcome"}"#], "invalid arguments: missing argument 'to'"),
                (["job_data", #"{"type":"send_email","to":7,"template":"welcome"}"#], "invalid arguments: argument 'to' must be a string"),
                (["job_data", #"{"type":"canary","sleep_ms":-5}"#], "invalid arguments: argument 'sleep_ms' must be between 0 and 600000"),
                (["job_data", twentyMB], "above the limit of 1048576"),
                (["job_data", "\u{1}\u{2}\u{7F}\u{FFFD}\u{0}"], "job_data is not a JSON object"),
                (["other", "field"], "entry has no job_data field"),
            ]
            for item in poison {
                var command = RESPCommand("XADD", [keys.stream, "*"])
                command.append(contentsOf: item.fields)
                try await client.send(command)
            }
            let good = try await JobProducer(client: client).enqueue(queue: keys.stream, type: "canary", arguments: CanaryArguments())
            let store = DeadLetterStore(keys: keys, client: client)
            try await waitUntil("all dead", timeout: .seconds(30)) { try await store.count() == poison.count }
            try await waitUntil("good job done") { try await outcomes(client, keys).contains { $0["job_id"] == good && $0["status"] == "succeeded" } }
            let errors = try await store.list(count: 100).compactMap(\.error)
            for item in poison {
                #expect(errors.contains { $0.contains(item.expected) }, "expected a dead letter saying: \(item.expected)")
            }
            #expect(try await client.xlen(keys.stream) == 0)
            #expect(try await client.xpending(keys.stream, group: keys.group).count == 0)
            await engine.stop()
        }
    }

    @Test func longJobIsNotRunTwiceWhileItsWorkerLives() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            var registry = JobRegistry()
            CanaryJob.register(in: &registry)
            // Two workers on one group; min_idle 600 ms; the job runs 2.5 s (4x min_idle).
            let a = RunningEngine(configuration: TestEnv.engineConfiguration(keys, worker: "a"), registry: registry, client: client)
            let b = RunningEngine(configuration: TestEnv.engineConfiguration(keys, worker: "b"), registry: registry, client: client)
            let runs = keys.stream + ":runs"
            let id = try await JobProducer(client: client).enqueue(
                queue: keys.stream, type: "canary", arguments: CanaryArguments(sleep_ms: 2500, record: runs))
            try await waitUntil("outcome") { try await client.xlen(keys.results) == 1 }
            #expect(try await client.send("HGET", runs, id).int == 1, "ran exactly once")
            await a.stop()
            await b.stop()
        }
    }

    @Test func entriesOfADeadConsumerAreReclaimed() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            try await client.xgroupCreate(keys.stream, group: keys.group)
            let ids = try await JobProducer(client: client).enqueueBulk(
                queue: keys.stream, type: "canary", arguments: Array(repeating: CanaryArguments(), count: 5))
            // A consumer reads them and dies without acknowledging.
            _ = try await client.xreadgroup(group: keys.group, consumer: "ghost", streams: [(keys.stream, ">")], count: 10)
            var registry = JobRegistry()
            CanaryJob.register(in: &registry)
            var configuration = TestEnv.engineConfiguration(keys)
            configuration.consumerIdleTimeout = .seconds(1)
            let engine = RunningEngine(configuration: configuration, registry: registry, client: client)
            try await waitUntil("reclaimed and done") { try await client.xlen(keys.results) == 5 }
            #expect(Set(try await outcomes(client, keys).compactMap { $0["job_id"] }) == Set(ids))
            // The ghost has nothing pending any more and is removed from the group once idle.
            try await waitUntil("ghost removed", timeout: .seconds(90)) {
                try await client.xinfoConsumers(keys.stream, group: keys.group).allSatisfy { $0["name"]?.string != "ghost" }
            }
            await engine.stop()
        }
    }

    @Test func entryDeliveredTooOftenGoesDead() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            try await client.xgroupCreate(keys.stream, group: keys.group)
            let id = try await JobProducer(client: client).enqueue(queue: keys.stream, type: "canary", arguments: CanaryArguments())
            _ = try await client.xreadgroup(group: keys.group, consumer: "crashy", streams: [(keys.stream, ">")], count: 1)
            // As if it had crashed 9 workers already, and has been idle for a while.
            _ = try await client.xclaim(keys.stream, group: keys.group, consumer: "crashy", minIdle: .zero, ids: [id],
                                        idle: .seconds(100), retryCount: 9)
            var registry = JobRegistry()
            CanaryJob.register(in: &registry)
            let engine = RunningEngine(configuration: TestEnv.engineConfiguration(keys), registry: registry, client: client)
            let store = DeadLetterStore(keys: keys, client: client)
            try await waitUntil("dead") { try await store.count() == 1 }
            #expect(try await store.list().first?.error?.contains("delivered 10 times without finishing") == true)
            await engine.stop()
        }
    }

    @Test func timeoutCancelsTheRunAndCountsAsTransient() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            var registry = JobRegistry()
            registry.register(JobDefinition<CanaryArguments>(name: "stuck", timeout: .milliseconds(200), retryPolicy: fastRetries(1))) { _, _ in
                try await Task.sleep(for: .seconds(60))
                return JobNoResult()
            }
            let engine = RunningEngine(configuration: TestEnv.engineConfiguration(keys), registry: registry, client: client)
            try await JobProducer(client: client).enqueue(queue: keys.stream, type: "stuck", arguments: CanaryArguments())
            let store = DeadLetterStore(keys: keys, client: client)
            try await waitUntil("dead after one retry") { try await store.count() == 1 }
            #expect(try await store.list().first?.error == "retries exhausted after 2 attempts: timed out after 200 ms")
            await engine.stop()
        }
    }

    @Test func idempotencyKeyRunsOnceAndFirstOutcomeStands() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            var registry = JobRegistry()
            CanaryJob.register(in: &registry)
            let engine = RunningEngine(configuration: TestEnv.engineConfiguration(keys, concurrency: 1), registry: registry, client: client)
            let producer = JobProducer(client: client)
            let runs = keys.stream + ":runs"
            let options = EnqueueOptions(idempotencyKey: "order-42")
            try await producer.enqueue(queue: keys.stream, type: "canary", arguments: CanaryArguments(record: runs), options: options)
            try await waitUntil("first outcome") { try await client.xlen(keys.results) == 1 }
            try await producer.enqueue(queue: keys.stream, type: "canary", arguments: CanaryArguments(record: runs), options: options)
            try await waitUntil("duplicate removed") { try await client.xlen(keys.stream) == 0 }
            #expect(try await client.xlen(keys.results) == 1)
            #expect(try await outcomes(client, keys).first?["job_id"] == "order-42")
            #expect(try await client.send("HGET", runs, "order-42").int == 1)
            await engine.stop()
        }
    }

    @Test func gracefulShutdownFinishesRunningJobsAndLeavesTheRest() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            var registry = JobRegistry()
            CanaryJob.register(in: &registry)
            let engine = RunningEngine(configuration: TestEnv.engineConfiguration(keys, concurrency: 5), registry: registry, client: client)
            let ids = try await JobProducer(client: client).enqueueBulk(
                queue: keys.stream, type: "canary", arguments: Array(repeating: CanaryArguments(sleep_ms: 300), count: 40))
            try await waitUntil("some done") { try await client.xlen(keys.results) >= 5 }
            await engine.stop()
            // Nothing half-done: every job either has an outcome or still waits, unread, on the stream.
            let done = try await client.xlen(keys.results)
            let waiting = try await client.xlen(keys.stream)
            #expect(done + waiting == ids.count)
            #expect(done < ids.count)
            #expect(try await client.xpending(keys.stream, group: keys.group).count == 0)
        }
    }

    @Test func jobsPastTheGracePeriodStayPending() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            var registry = JobRegistry()
            CanaryJob.register(in: &registry)
            var configuration = TestEnv.engineConfiguration(keys, concurrency: 3, worker: "leaver")
            configuration.shutdownGracePeriod = .milliseconds(200)
            let engine = RunningEngine(configuration: configuration, registry: registry, client: client)
            try await JobProducer(client: client).enqueueBulk(
                queue: keys.stream, type: "canary", arguments: Array(repeating: CanaryArguments(sleep_ms: 20_000), count: 3))
            try await waitUntil("running") { engine.engine.runningJobs[keys.stream] == 3 }
            await engine.stop()
            #expect(try await client.xlen(keys.results) == 0, "no outcome for interrupted jobs")
            let pending = try await client.xpending(keys.stream, group: keys.group)
            #expect(pending.count == 3, "left pending for another worker")
            // Another worker picks them up after min_idle.
            let next = RunningEngine(configuration: TestEnv.engineConfiguration(keys), registry: registry, client: client)
            try await waitUntil("reclaimed and finished", timeout: .seconds(60)) { try await client.xlen(keys.results) == 3 }
            await next.stop()
        }
    }

    @Test func cancellingTheEngineTaskEndsItPromptly() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            var registry = JobRegistry()
            CanaryJob.register(in: &registry)
            let engine = JobEngine(configuration: TestEnv.engineConfiguration(keys, concurrency: 2), registry: registry,
                                   client: client, logger: TestEnv.logger)
            let finished = LockedFlag()
            let task = Task {
                try? await engine.run()
                finished.set()
            }
            try await JobProducer(client: client).enqueueBulk(
                queue: keys.stream, type: "canary", arguments: Array(repeating: CanaryArguments(sleep_ms: 30_000), count: 4))
            try await waitUntil("running") { engine.runningJobs[keys.stream] == 2 }
            task.cancel()
            // Every loop notices the cancellation (no spinning on a sleep that returns at once).
            try await waitUntil("run() returned after cancellation", timeout: .seconds(20)) { finished.isSet }
            #expect(try await client.xlen(keys.results) == 0)
            // The interrupted jobs stay pending (not retried, not dead) for another worker.
            try await waitUntil("interrupted jobs left pending") { try await client.xpending(keys.stream, group: keys.group).count == 2 }
            #expect(try await client.zcard(keys.delayed) == 0)
        }
    }

    @Test func pausedQueueIsNotRead() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            try await client.send("SET", keys.paused, "1")
            var registry = JobRegistry()
            CanaryJob.register(in: &registry)
            let engine = RunningEngine(configuration: TestEnv.engineConfiguration(keys), registry: registry, client: client)
            try await JobProducer(client: client).enqueue(queue: keys.stream, type: "canary", arguments: CanaryArguments())
            // The consumer checks the pause key before its first read.
            try await waitUntil("the consumer saw the pause") { engine.engine.pausedQueues.contains(keys.stream) }
            #expect(try await client.xlen(keys.results) == 0)
            #expect(try await client.xlen(keys.stream) == 1)
            #expect(try await client.xpending(keys.stream, group: keys.group).count == 0, "nothing was read")
            try await client.send("DEL", keys.paused)
            try await waitUntil("resumed") { try await client.xlen(keys.results) == 1 }
            await engine.stop()
        }
    }

    @Test func resultThatCannotBeEncryptedIsDeadLetteredNotStoredInPlaintext() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            var registry = JobRegistry()
            registry.register(JobDefinition<SeedEmail>(name: "send_email", retryPolicy: fastRetries())) { args, _ in
                ["secret_result": args.to]
            }
            var configuration = TestEnv.engineConfiguration(keys)
            configuration.decryptor = ResultEncryptionFails()
            let engine = RunningEngine(configuration: configuration, registry: registry, client: client)
            try await client.send(RESPCommand("XADD", [keys.stream, "*", "job_data",
                "enc:test:" + #"{"type":"send_email","to":"user@example.com","template":"welcome"}"#]))
            let store = DeadLetterStore(keys: keys, client: client)
            try await waitUntil("dead") { try await store.count() == 1 }
            let error = try #require(try await store.list().first?.error)
            #expect(error.contains("result could not be encrypted"))
            #expect(error.contains("no current key"))
            let results = try await outcomes(client, keys)
            #expect(results.count == 1)
            #expect(results.first?["status"] == "dead")
            #expect(results.allSatisfy { $0["result"] == nil }, "no plaintext result stored")
            #expect(try await client.zcard(keys.delayed) == 0, "not retried: the handler ran and its effects happened")
            await engine.stop()
        }
    }
}

/// Opens `enc:test:<json>` payloads, and cannot encrypt (as a key ring without a current key).
struct ResultEncryptionFails: PayloadDecryptor {
    func decrypt(_ wireValue: String, queue: String) throws(JobError) -> Data {
        guard wireValue.hasPrefix("enc:test:") else { throw .permanent("not a test payload") }
        return Data(wireValue.dropFirst("enc:test:".count).utf8)
    }

    func encrypt(_ plaintext: Data, queue: String) throws -> String {
        throw JobError.permanent("no current key")
    }
}
