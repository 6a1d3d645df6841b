import Diagnostics
import Foundation
import NIOCore
import RESP
import RedisClient
import TestSupport
import Testing

@testable import JobEngine

/// Arguments of the lane tests' recording job.
struct LaneJob: Codable, Sendable {
    var name: String
}

/// Start order of the jobs of a test, as their handlers saw it.
final class StartOrder: Sendable {
    private let box = LockedBox<[String]>([])
    func append(_ name: String) { self.box.withLock { $0.append(name) } }
    var names: [String] { self.box.withLock { $0 } }
    var count: Int { self.box.withLock { $0.count } }
}

/// Deletes every key of a test queue (lanes and companions).
func deleteQueueKeys(_ client: RedisClient, _ keys: QueueKeys) async {
    _ = try? await client.send(
        RESPCommand(
            "DEL",
            keys.laneStreams + [
                keys.delayed, keys.dead, keys.results, keys.idempotency, keys.idempotencyIndex, keys.paused,
            ]))
}

@Suite("Priority lanes against a real redis-server", .serialized)
struct LaneIntegrationTests {
    /// A registry whose `lane_job` notes its start in `order`.
    private func recordingRegistry(_ order: StartOrder) -> JobRegistry {
        var registry = JobRegistry()
        registry.register(JobDefinition<LaneJob>(name: "lane_job")) { args, _ in
            order.append(args.name)
            return JobNoResult()
        }
        return registry
    }

    @Test func producerRoutesByOptionAndTypeDefault() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            try await withCleanup {
                var producer = JobProducer(client: client)
                producer.defaultPriorities = ["code": .critical, "note": .bulk]
                #expect(producer.priority(type: "code", options: .init()) == .critical)
                #expect(producer.priority(type: "note", options: .init(priority: .default)) == .default)
                #expect(producer.priority(type: nil, options: .init()) == .default)
                try await producer.enqueue(queue: keys.stream, type: "code", arguments: LaneJob(name: "c"))
                try await producer.enqueue(queue: keys.stream, type: "note", arguments: LaneJob(name: "n"))
                try await producer.enqueue(queue: keys.stream, type: "other", arguments: LaneJob(name: "o"))
                try await producer.enqueue(
                    queue: keys.stream, type: "note", arguments: LaneJob(name: "n2"),
                    options: .init(priority: .critical))
                // Raw job_data: the type is found in the JSON; garbage JSON goes to default.
                try await producer.enqueue(queue: keys.stream, jobData: #"{"type":"note","name":"raw"}"#)
                try await producer.enqueue(queue: keys.stream, jobData: #"{"type":"code""#)
                try await producer.enqueue(queue: keys.stream, jobData: #"{"type":7}"#)
                try await producer.enqueueBulk(
                    queue: keys.stream, type: "note", arguments: [LaneJob(name: "b1"), LaneJob(name: "b2")])
                #expect(try await client.xlen(keys.critical) == 2)
                #expect(try await client.xlen(keys.bulk) == 4)
                #expect(try await client.xlen(keys.stream) == 3)
                let critical = try await client.xrange(keys.critical)
                #expect(critical.allSatisfy { $0["priority"] == "critical" })
                #expect(try await client.xrange(keys.stream).allSatisfy { $0["priority"] == nil })
            } cleanup: {
                await deleteQueueKeys(client, keys)
            }
        }
    }

    @Test func criticalJobStartsBeforeABulkBacklogDrains() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            try await withCleanup {
                let order = StartOrder()
                var producer = JobProducer(client: client)
                producer.defaultPriorities = ["lane_job": .bulk]
                let backlog = 5000
                try await producer.enqueueBulk(
                    queue: keys.stream, type: "lane_job", arguments: (0..<backlog).map { LaneJob(name: "bulk-\($0)") })
                let engine = RunningEngine(
                    configuration: TestEnv.engineConfiguration(keys, concurrency: 8),
                    registry: self.recordingRegistry(order), client: client)
                try await waitUntil("bulk jobs running") { order.count >= 100 }
                let startedBefore = order.count
                try await producer.enqueue(
                    queue: keys.stream, type: "lane_job", arguments: LaneJob(name: "code"),
                    options: .init(priority: .critical))
                try await waitUntil("all jobs ran", timeout: .seconds(60)) { order.count == backlog + 1 }
                await engine.stop()
                let position = try #require(order.names.firstIndex(of: "code"))
                // It jumped the backlog: it started within a few read rounds of its enqueue, with
                // thousands of bulk jobs still waiting.
                #expect(position < backlog / 2, "critical job started at \(position) of \(backlog + 1)")
                #expect(position - startedBefore < 500, "started \(position - startedBefore) jobs after its enqueue")
            } cleanup: {
                await deleteQueueKeys(client, keys)
            }
        }
    }

    @Test func lowerLanesProgressUnderAContinuousCriticalStream() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            try await withCleanup {
                let order = StartOrder()
                let producer = JobProducer(client: client)
                // Every lane backed up: critical far longer than the window looked at.
                try await producer.enqueueBulk(
                    queue: keys.stream, type: "lane_job",
                    arguments: (0..<3000).map { LaneJob(name: "c\($0)") }, options: .init(priority: .critical))
                try await producer.enqueueBulk(
                    queue: keys.stream, type: "lane_job",
                    arguments: (0..<500).map { LaneJob(name: "d\($0)") }, options: .init(priority: .default))
                try await producer.enqueueBulk(
                    queue: keys.stream, type: "lane_job",
                    arguments: (0..<500).map { LaneJob(name: "b\($0)") }, options: .init(priority: .bulk))
                let engine = RunningEngine(
                    configuration: TestEnv.engineConfiguration(keys, concurrency: 10),
                    registry: self.recordingRegistry(order), client: client)
                try await waitUntil("1000 jobs started", timeout: .seconds(60)) { order.count >= 1000 }
                await engine.stop()
                let window = order.names.prefix(1000)
                let critical = window.filter { $0.hasPrefix("c") }.count
                let normal = window.filter { $0.hasPrefix("d") }.count
                let bulk = window.filter { $0.hasPrefix("b") }.count
                // Shares 0.2 / 0.1 (LaneWeights.standard): about 200 and 100; critical still most.
                #expect(normal >= 100, "default got \(normal) of the first 1000 starts")
                #expect(bulk >= 50, "bulk got \(bulk) of the first 1000 starts")
                #expect(critical >= 500, "critical got \(critical) of the first 1000 starts")
            } cleanup: {
                await deleteQueueKeys(client, keys)
            }
        }
    }

    @Test func retriesKeepTheirLane() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            try await withCleanup {
                var registry = JobRegistry()
                // Fails its first attempt; the second reports the stream its entry is on.
                registry.register(JobDefinition<LaneJob>(name: "lane_job", retryPolicy: fastRetries())) {
                    args, context in
                    if context.attempt == 1 { throw JobError.transient("first attempt fails") }
                    var found: [String] = []
                    for lane in JobPriority.allCases {
                        let entries = try await context.redis.xrange(
                            keys.stream(for: lane), start: context.entryID, end: context.entryID)
                        if entries.contains(where: { $0["job_id"] != nil }) { found.append(lane.rawValue) }
                    }
                    return ["name": args.name, "lanes": found.joined(separator: ",")]
                }
                let engine = RunningEngine(
                    configuration: TestEnv.engineConfiguration(keys), registry: registry, client: client)
                let producer = JobProducer(client: client)
                for lane in JobPriority.allCases {
                    try await producer.enqueue(
                        queue: keys.stream, type: "lane_job", arguments: LaneJob(name: lane.rawValue),
                        options: .init(priority: lane))
                }
                // A plain XADD (no priority field) retries in default.
                try await client.send(
                    RESPCommand("XADD", [keys.stream, "*", "job_data", #"{"type":"lane_job","name":"plain"}"#]))
                try await waitUntil("four outcomes") { try await client.xlen(keys.results) == 4 }
                await engine.stop()
                var lanes: [String: String] = [:]
                for outcome in try await outcomes(client, keys) {
                    #expect(outcome["status"] == "succeeded")
                    #expect(outcome["attempts"] == "2")
                    let result = try JSONDecoder().decode(
                        [String: String].self, from: Data((outcome["result"] ?? "").utf8))
                    lanes[result["name"] ?? "?"] = result["lanes"]
                }
                // Entry IDs can repeat across lanes, so a name may see its ID elsewhere too; its own lane must be there.
                #expect(lanes["critical"]?.split(separator: ",").contains("critical") == true)
                #expect(lanes["bulk"]?.split(separator: ",").contains("bulk") == true)
                #expect(lanes["default"]?.split(separator: ",").contains("default") == true)
                #expect(lanes["plain"]?.split(separator: ",").contains("default") == true)
                for stream in keys.laneStreams {
                    #expect(try await client.xlen(stream) == 0)
                    #expect(try await client.xpending(stream, group: keys.group).count == 0)
                }
            } cleanup: {
                await deleteQueueKeys(client, keys)
            }
        }
    }

    @Test func promoteRoutesDelayedMembersByPriority() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            try await withCleanup {
                let members = [
                    #"["job_data","{}","priority","critical"]"#, #"["job_data","{}","priority","bulk"]"#,
                    #"["job_data","{}","priority","default"]"#, #"["job_data","{}"]"#,
                    #"["job_data","{}","priority","CRITICAL"]"#,
                    #"["priority","bulk","job_data","{}","priority","critical"]"#,
                    #"["job_data","{}","priority"]"#, "not json", #"{"priority":"critical"}"#,
                    #"["priority",["bulk"]]"#,
                    String(repeating: "[", count: 10_000),
                ]
                for (index, member) in members.enumerated() {
                    try await client.send(RESPCommand("ZADD", [keys.delayed, String(index), member]))
                }
                var configuration = TestEnv.engineConfiguration(keys)
                configuration.now = { 1_000_000 }
                let scheduler = RetryScheduler(
                    queues: [keys], client: client, configuration: configuration, logger: TestEnv.logger)
                #expect(await scheduler.promoteDue(keys) == members.count)
                #expect(try await client.zcard(keys.delayed) == 0)
                // critical, and the last `priority` wins (critical) -> 2; bulk -> 1; the rest -> default.
                #expect(try await client.xlen(keys.critical) == 2)
                #expect(try await client.xlen(keys.bulk) == 1)
                #expect(try await client.xlen(keys.stream) == members.count - 3)
            } cleanup: {
                await deleteQueueKeys(client, keys)
            }
        }
    }

    @Test func ownPendingAndReclaimWorkOnLaneStreams() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            try await withCleanup {
                let order = StartOrder()
                let producer = JobProducer(client: client)
                for stream in keys.laneStreams {
                    try await client.xgroupCreate(stream, group: keys.group, id: "0", makeStream: true)
                }
                // A previous life of worker "w-same" read a critical job; a dead worker read a bulk one.
                try await producer.enqueue(
                    queue: keys.stream, type: "lane_job", arguments: LaneJob(name: "own"),
                    options: .init(priority: .critical))
                try await producer.enqueue(
                    queue: keys.stream, type: "lane_job", arguments: LaneJob(name: "orphan"),
                    options: .init(priority: .bulk))
                _ = try await client.xreadgroup(
                    group: keys.group, consumer: "w-same", streams: [(keys.critical, ">")], count: 10)
                _ = try await client.xreadgroup(
                    group: keys.group, consumer: "w-dead", streams: [(keys.bulk, ">")], count: 10)
                let engine = RunningEngine(
                    configuration: TestEnv.engineConfiguration(keys, worker: "w-same"),
                    registry: self.recordingRegistry(order), client: client)
                try await waitUntil("two outcomes") { try await client.xlen(keys.results) == 2 }
                await engine.stop()
                #expect(Set(order.names) == ["own", "orphan"])
                #expect(try await outcomes(client, keys).allSatisfy { $0["status"] == "succeeded" })
                for stream in keys.laneStreams {
                    #expect(try await client.xlen(stream) == 0)
                    #expect(try await client.xpending(stream, group: keys.group).count == 0)
                }
            } cleanup: {
                await deleteQueueKeys(client, keys)
            }
        }
    }

    @Test func heartbeatKeepsALongBulkJobFromBeingReclaimed() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            try await withCleanup {
                var registry = JobRegistry()
                CanaryJob.register(in: &registry)
                let record = "{\(keys.stream)}:runs"
                // Two workers; the job runs 3 × minIdle: only the heartbeat on the bulk stream keeps it claimed.
                let first = RunningEngine(
                    configuration: TestEnv.engineConfiguration(keys), registry: registry, client: client)
                try await JobProducer(client: client).enqueue(
                    queue: keys.stream, type: "canary", arguments: CanaryArguments(sleep_ms: 1800, record: record),
                    options: .init(priority: .bulk))
                try await waitUntil("the job started") {
                    (try? await client.xpending(keys.bulk, group: keys.group).count) == 1
                }
                let second = RunningEngine(
                    configuration: TestEnv.engineConfiguration(keys), registry: registry, client: client)
                try await waitUntil("outcome") { try await client.xlen(keys.results) == 1 }
                await first.stop()
                await second.stop()
                let runs = try await client.send(RESPCommand("HVALS", [record])).array?.compactMap(\.string) ?? []
                #expect(runs == ["1"], "ran \(runs) times")
            } cleanup: {
                await deleteQueueKeys(client, keys)
                _ = try? await client.send(RESPCommand("DEL", ["{\(keys.stream)}:runs"]))
            }
        }
    }

    @Test func plainXaddLandsInDefaultAndRunsAndALostLaneGroupComesBack() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            try await withCleanup {
                let order = StartOrder()
                let engine = RunningEngine(
                    configuration: TestEnv.engineConfiguration(keys), registry: self.recordingRegistry(order),
                    client: client)
                try await client.send(
                    RESPCommand("XADD", [keys.stream, "*", "job_data", #"{"type":"lane_job","name":"seed"}"#]))
                // On the default stream a `priority` field changes nothing: the stream decides.
                try await client.send(
                    RESPCommand(
                        "XADD",
                        [
                            keys.stream, "*", "job_data", #"{"type":"lane_job","name":"says-critical"}"#, "priority",
                            "critical",
                        ]))
                try await waitUntil("two outcomes") { try await client.xlen(keys.results) == 2 }
                #expect(try await client.xlen(keys.critical) == 0)
                // The critical stream (and its group) deleted under the running worker: it is created again.
                try await client.send(RESPCommand("DEL", [keys.critical]))
                try await waitUntil("group recreated", timeout: .seconds(20)) {
                    _ = try? await JobProducer(client: client).enqueue(
                        queue: keys.stream, type: "lane_job", arguments: LaneJob(name: "after"),
                        options: .init(priority: .critical))
                    return order.names.contains("after")
                }
                await engine.stop()
                #expect(order.names.prefix(2).sorted() == ["says-critical", "seed"])
            } cleanup: {
                await deleteQueueKeys(client, keys)
            }
        }
    }
}
