import Foundation
import NIOCore
import RESP
import RedisClient
import Testing

@testable import JobEngine

@Suite("Partitioned queues: naming, routing, setting parsing")
struct QueuePartitionsTests {
    @Test func physicalNamesKeepPartitionZeroAsTheLogicalQueue() {
        let partitions = QueuePartitions(["email_queue": 4])
        #expect(partitions.physicalNames(of: "email_queue") == ["email_queue", "email_queue~1", "email_queue~2", "email_queue~3"])
        #expect(partitions.physicalNames(of: "sms_queue") == ["sms_queue"])
        #expect(partitions.count(for: "sms_queue") == 1)
        let keys = partitions.keys(of: QueueKeys(queue: "email_queue", group: "email_workers"))
        #expect(keys.map(\.delayed) == ["{email_queue}:delayed", "{email_queue~1}:delayed", "{email_queue~2}:delayed", "{email_queue~3}:delayed"])
        #expect(keys.allSatisfy { $0.group == "email_workers" })
        #expect(keys[2].critical == "{email_queue~2}:critical")
    }

    @Test func countsOfOneAreDroppedAndHugeOnesClamped() {
        let partitions = QueuePartitions(["a": 1, "b": 0, "c": 10_000, "d": -3])
        #expect(partitions.counts == ["c": QueuePartitions.maximumCount])
        #expect(QueuePartitions.none.isEmpty)
    }

    /// The vectors documented in docs/protocol.md (computed independently with Python).
    @Test func fnv1aMatchesTheDocumentedVectors() {
        #expect(QueuePartitions.fnv1a32("") == 0x811c_9dc5)
        #expect(QueuePartitions.fnv1a32("a") == 0xe40c_292c)
        #expect(QueuePartitions.fnv1a32("user-42") == 0x0260_73ab)
        #expect(QueuePartitions.fnv1a32("42") == 0x87e3_8583)
        #expect(QueuePartitions.fnv1a32("alice@example.com") == 0x94a4_b546)
        #expect(QueuePartitions.fnv1a32("분산") == 0x7f1c_7356)
        #expect(QueuePartitions.partition(forKey: "user-42", count: 4) == 3)
        #expect(QueuePartitions.partition(forKey: "42", count: 3) == 2)
        #expect(QueuePartitions.partition(forKey: "alice@example.com", count: 8) == 6)
        #expect(QueuePartitions.partition(forKey: "anything", count: 1) == 0)
        #expect(QueuePartitions.partition(forKey: "anything", count: 0) == 0)
    }

    @Test func routingIsStableAndSpreads() {
        var seen = [Int](repeating: 0, count: 4)
        for user in 0..<4000 {
            let partition = QueuePartitions.partition(forKey: "user-\(user)", count: 4)
            #expect(partition == QueuePartitions.partition(forKey: "user-\(user)", count: 4))
            seen[partition] += 1
        }
        // 1000 expected per partition; FNV-1a of sequential keys is well within ±20%.
        #expect(seen.allSatisfy { (800...1200).contains($0) }, "\(seen)")
        // Hostile keys: long, control characters, invalid-looking UTF-8 sequences are just bytes.
        for key in [String(repeating: "x", count: 1 << 20), "\u{0}\u{1}\r\n", "\u{FFFD}\u{10FFFF}"] {
            #expect((0..<7).contains(QueuePartitions.partition(forKey: key, count: 7)))
        }
    }

    @Test func parsesValidSettings() throws {
        let known: Set<String> = ["email_queue", "sms_queue"]
        #expect(try QueuePartitions.parse("email_queue=4,sms_queue=2", knownQueues: known).counts == ["email_queue": 4, "sms_queue": 2])
        #expect(try QueuePartitions.parse(" email_queue = 3 , ,", knownQueues: known).counts == ["email_queue": 3])
        #expect(try QueuePartitions.parse("email_queue=1", knownQueues: known).isEmpty)
        #expect(try QueuePartitions.parse("", knownQueues: known).isEmpty)
        #expect(try QueuePartitions.parse("email_queue=256", knownQueues: known).count(for: "email_queue") == 256)
    }

    @Test(arguments: [
        ("email_queue=0", "count"), ("=4", "not queue=n"), ("email_queue=x", "not queue=n"), ("email_queue=", "not queue=n"),
        ("email_queue", "not queue=n"), ("email_queue=257", "count"), ("email_queue=99999999999999999999", "count"),
        ("email_queue=-1", "count"), ("email_queue=4=5", "not queue=n"), ("email_queue=4.0", "not queue=n"),
        ("other_queue=4", "unknown queue"), ("email_queue=4,email_queue=2", "listed twice"), ("email_queue=٣", "not queue=n"),
        ("email_queue=+4", "not queue=n"), ("email_queue=0x4", "not queue=n"),
    ])
    func refusesGarbage(text: String, reason: String) {
        do {
            _ = try QueuePartitions.parse(text, knownQueues: ["email_queue", "sms_queue"])
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.message.hasPrefix("BLUEPRINT_PARTITIONS"))
            #expect(error.message.contains(reason), "\(error.message)")
        }
    }

    @Test func refusesOversizeValuesWithoutEchoingThem() {
        let huge = String(repeating: "email_queue=4,", count: 10_000)
        #expect(throws: QueuePartitionSettingError.self) { try QueuePartitions.parse(huge, knownQueues: ["email_queue"]) }
        let longName = String(repeating: "q", count: 3000) + "=2"
        do {
            _ = try QueuePartitions.parse(longName, knownQueues: [])
        } catch {
            #expect(error.message.count < 200)
        }
    }

    @Test func expandSharesConcurrencyOverPartitions() {
        let partitions = QueuePartitions(["email_queue": 3])
        let queues = partitions.expand([
            QueueConfiguration(keys: QueueKeys(queue: "email_queue", group: "email_workers"), concurrency: 64, runsJobsOnEventLoop: false),
            QueueConfiguration(keys: QueueKeys(queue: "sms_queue", group: "sms_workers"), concurrency: 16),
        ])
        #expect(queues.map(\.keys.stream) == ["email_queue", "email_queue~1", "email_queue~2", "sms_queue"])
        #expect(queues.map(\.concurrency) == [22, 22, 22, 16])
        #expect(queues.map(\.partition) == [0, 1, 2, 0])
        #expect(queues.map(\.logicalQueue) == ["email_queue", "email_queue", "email_queue", "sms_queue"])
        #expect(queues.prefix(3).allSatisfy { !$0.runsJobsOnEventLoop && $0.keys.group == "email_workers" })
        let tiny = QueuePartitions(["q": 8]).expand([QueueConfiguration(keys: QueueKeys(queue: "q", group: "g"), concurrency: 1)])
        #expect(tiny.count == 8 && tiny.allSatisfy { $0.concurrency == 1 })
    }

    /// The producer's choice, without Redis: the command's stream names the partition.
    @Test func producerRoutesByUserThenIdempotencyKeyThenRoundRobin() async throws {
        try await withTestClient { client in
            var producer = JobProducer(client: client)
            producer.partitions = QueuePartitions(["email_queue": 4])
            let data = #"{"type":"canary"}"#
            func stream(_ options: EnqueueOptions) throws -> String {
                Self.key(of: try producer.command(queue: "email_queue", jobData: data, options: options))
            }
            #expect(try stream(EnqueueOptions(userID: "user-42")) == "email_queue~3")
            #expect(try stream(EnqueueOptions(userID: "a")) == "email_queue")
            #expect(try stream(EnqueueOptions(idempotencyKey: "user-42")) == "email_queue~3")
            #expect(try stream(EnqueueOptions(userID: "a", idempotencyKey: "user-42")) == "email_queue")
            #expect(try stream(EnqueueOptions(partition: 2)) == "email_queue~2")
            #expect(try stream(EnqueueOptions(priority: .critical, partition: 1)) == "{email_queue~1}:critical")
            let roundRobin = try (0..<8).map { _ in try stream(EnqueueOptions()) }
            #expect(Set(roundRobin) == ["email_queue", "email_queue~1", "email_queue~2", "email_queue~3"])
            #expect(Self.key(of: try producer.command(queue: "sms_queue", jobData: data, options: EnqueueOptions(userID: "x"))) == "sms_queue")
            for bad in [-1, 4, Int.max] {
                #expect(throws: JobError.self) { try stream(EnqueueOptions(partition: bad)) }
            }
            #expect(throws: JobError.self) {
                try producer.command(queue: "sms_queue", jobData: data, options: EnqueueOptions(partition: 1))
            }
            // A scheduled job goes to the chosen partition's delayed set.
            let scheduled = try producer.enqueueCommand(queue: "email_queue", jobData: data, options: EnqueueOptions(userID: "user-42", delay: .seconds(5)))
            #expect(Self.key(of: scheduled.command) == "{email_queue~3}:delayed")
        }
    }

    /// The first argument after the command name (`$4\r\nXADD\r\n$13\r\nemail_queue~3\r\n...`).
    private static func key(of command: RESPCommand) -> String {
        let parts = String(buffer: command.encodedArguments).components(separatedBy: "\r\n")
        return parts.count > 3 ? parts[3] : ""
    }
}
