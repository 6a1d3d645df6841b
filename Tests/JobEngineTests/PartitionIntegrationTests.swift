import Diagnostics
import Foundation
import RESP
import RedisClient
import TestSupport
import Testing

@testable import JobEngine

/// Partitioned queues on the shared test Redis (or the cluster with `BLUEPRINT_TEST_REDIS=cluster`).
@Suite("Partitioned queues against a real redis-server", .serialized)
struct PartitionIntegrationTests {
    /// An engine configuration with `keys` spread over `count` partitions.
    static func partitioned(_ keys: QueueKeys, count: Int, concurrency: Int = 24) -> (EngineConfiguration, QueuePartitions) {
        let partitions = QueuePartitions([keys.stream: count])
        var configuration = TestEnv.engineConfiguration(keys, concurrency: concurrency)
        configuration.queues = partitions.expand(configuration.queues)
        return (configuration, partitions)
    }

    @Test func aPartitionedQueueDrainsJobsOfEveryPartition() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            let (configuration, partitions) = Self.partitioned(keys, count: 3)
            #expect(configuration.queues.map(\.keys.stream) == partitions.physicalNames(of: keys.stream))
            var registry = JobRegistry()
            CanaryJob.register(in: &registry)
            let engine = RunningEngine(configuration: configuration, registry: registry, client: client)
            var producer = JobProducer(client: client)
            producer.partitions = partitions
            var ids: [String] = []
            for user in 0..<150 {
                ids.append(try await producer.enqueue(
                    queue: keys.stream, type: "canary", arguments: CanaryArguments(), options: EnqueueOptions(userID: "user-\(user)")))
            }
            ids += try await producer.enqueueBulk(queue: keys.stream, type: "canary", arguments: Array(repeating: CanaryArguments(), count: 60))
            // A producer that knows nothing of partitions: the seed's raw XADD lands on partition 0.
            let raw = try await client.send(RESPCommand("XADD", [keys.stream, "*", "job_data", #"{"type":"canary"}"#])).string
            ids.append(try #require(raw))
            let all = partitions.keys(of: keys)
            try await waitUntil("211 outcomes over 3 partitions", timeout: .seconds(60)) {
                var total = 0
                for partition in all { total += try await client.xlen(partition.results) }
                return total == 211
            }
            var finished: [String] = []
            for partition in all {
                let results = try await outcomes(client, partition)
                // user_id hashing and round robin put work on every partition.
                #expect(results.count >= 30, "\(partition.stream): \(results.count)")
                #expect(results.allSatisfy { $0["status"] == "succeeded" })
                finished += results.compactMap { $0["job_id"] }
                #expect(try await client.xlen(partition.stream) == 0)
                #expect(try await client.xpending(partition.stream, group: partition.group).count == 0)
            }
            #expect(finished.count == 211 && Set(finished) == Set(ids), "each job ran once")
            // Each user's jobs went to the partition the documented hash names.
            let user7 = try await outcomes(client, all[QueuePartitions.partition(forKey: "user-7", count: 3)])
            #expect(user7.contains { $0["job_id"] == ids[7] })
            #expect(engine.engine.runningJobs.keys.sorted() == [keys.stream])
            await engine.stop()
            try await Self.cleanUp(client, all)
        }
    }

    @Test func retriesAndDeadLettersStayInTheirPartition() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            let (configuration, partitions) = Self.partitioned(keys, count: 3)
            var registry = JobRegistry()
            registry.register(JobDefinition<FlakyArguments>(name: "flaky", retryPolicy: fastRetries(2))) { args, context in
                let left = try await client.send(RESPCommand("DECR", [args.failures_key])).int ?? 0
                if left >= 0 { throw JobError.transient("dependency unavailable") }
                return ["attempt": context.attempt]
            }
            let engine = RunningEngine(configuration: configuration, registry: registry, client: client)
            var producer = JobProducer(client: client)
            producer.partitions = partitions
            let all = partitions.keys(of: keys)
            // Partition 2: fails 3 times (1 run + 2 retries): dead letter. Partition 1: fails once, then succeeds.
            let dying = "{\(all[2].stream)}:failures"
            let flaky = "{\(all[1].stream)}:failures"
            try await client.send("SET", dying, "3")
            try await client.send("SET", flaky, "1")
            try await producer.enqueue(
                queue: keys.stream, type: "flaky", arguments: FlakyArguments(failures_key: dying), options: EnqueueOptions(partition: 2))
            try await producer.enqueue(
                queue: keys.stream, type: "flaky", arguments: FlakyArguments(failures_key: flaky), options: EnqueueOptions(partition: 1))
            let deadStore = DeadLetterStore(keys: all[2], client: client)
            try await waitUntil("dead letter in partition 2") { try await deadStore.count() == 1 }
            try await waitUntil("success in partition 1") { try await client.xlen(all[1].results) == 1 }
            let success = try #require(try await outcomes(client, all[1]).first)
            #expect(success["status"] == "succeeded" && success["attempts"] == "2")
            let dead = try #require(try await outcomes(client, all[2]).first)
            #expect(dead["status"] == "dead" && dead["attempts"] == "3")
            #expect(try await client.xlen(all[0].dead) == 0)
            #expect(try await client.xlen(all[1].dead) == 0)
            #expect(try await client.xlen(all[0].results) == 0)

            // Replay from the partition's store runs it again in that partition.
            try await client.send("SET", dying, "0")
            let letter = try #require(try await deadStore.list().first)
            #expect(try await deadStore.replay(ids: [letter.id]) == 1)
            try await waitUntil("replayed outcome") { try await client.xlen(all[2].results) == 2 }
            #expect(try await outcomes(client, all[2]).last?["status"] == "succeeded")
            await engine.stop()
            try await client.send("DEL", dying)
            try await client.send("DEL", flaky)
            try await Self.cleanUp(client, all)
        }
    }

    @Test func idempotencyKeysWithoutAUserAreRoutedToOnePartitionSoTheyDeduplicate() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            let (configuration, partitions) = Self.partitioned(keys, count: 4)
            var registry = JobRegistry()
            CanaryJob.register(in: &registry)
            let engine = RunningEngine(configuration: configuration, registry: registry, client: client)
            var producer = JobProducer(client: client)
            producer.partitions = partitions
            let key = "idem-\(keys.stream)"
            let all = partitions.keys(of: keys)
            let home = all[QueuePartitions.partition(forKey: key, count: 4)]
            let options = EnqueueOptions(idempotencyKey: key)
            try await producer.enqueue(queue: keys.stream, type: "canary", arguments: CanaryArguments(), options: options)
            try await waitUntil("first outcome") { try await client.xlen(home.results) == 1 }
            // Later copies go to the same partition, whose idempotency hash knows the key: skipped.
            for _ in 0..<2 {
                try await producer.enqueue(queue: keys.stream, type: "canary", arguments: CanaryArguments(), options: options)
            }
            try await waitUntil("copies consumed") {
                let length = try await client.xlen(home.stream)
                let pending = try await client.xpending(home.stream, group: home.group)
                return length == 0 && pending.count == 0
            }
            #expect(try await client.xlen(home.results) == 1)
            for other in all where other.stream != home.stream {
                #expect(try await client.xlen(other.results) == 0)
                #expect(try await client.xlen(other.stream) == 0)
            }
            await engine.stop()
            try await Self.cleanUp(client, all)
        }
    }

    /// Deletes every key of the partitions, one key per command (they live in different slots).
    static func cleanUp(_ client: RedisClient, _ all: [QueueKeys]) async throws {
        for keys in all {
            var names = [keys.stream, keys.critical, keys.bulk, keys.delayed, keys.dead, keys.results, keys.idempotency,
                         keys.idempotencyIndex, keys.paused]
            names += try await scanKeys(client, "{\(keys.stream)}:*")
            for name in Set(names) { try await client.send("DEL", name) }
        }
    }
}
