import Foundation
import RESP
import RedisClient
import TestSupport
import Testing

@testable import JobEngine

/// `run_at` / `delay_ms` entries and `EnqueueOptions.runAt` against the real test Redis, on an
/// injected wall clock: a job due later waits in `{q}:delayed` (no slot held) and runs once the
/// clock reaches its due time.
@Suite("Scheduled jobs (run_at, delay_ms, producer runAt)", .serialized)
struct ScheduledJobTests {
    let start: Int64 = 1_790_000_000_000

    /// A registry with `probe`, which records the wall time it ran at.
    func registry(_ wall: WallClock, ranAt: LockedBox<[Int64]>) -> JobRegistry {
        var registry = JobRegistry()
        registry.register(JobDefinition<NoArguments>(name: "probe")) { _, _ in
            ranAt.withLock { $0.append(wall.now) }
            return JobNoResult()
        }
        return registry
    }

    func withQueue(_ name: String = #function, _ body: (RedisClient, QueueKeys) async throws -> Void) async throws {
        try await withClient(TestRedis.configuration) { client in
            let keys = TestEnv.queue(name)
            try await withCleanup({ try await body(client, keys) }, cleanup: { await deleteQueue(client, keys) })
        }
    }

    @Test func runAtInTheFutureWaitsInTheDelayedSetThenRuns() async throws {
        try await self.withQueue { client, keys in
            let wall = WallClock(self.start)
            let ranAt = LockedBox<[Int64]>([])
            let due = self.start + 600_000
            try await withEngine(
                TestEnv.engineConfiguration(keys, wall: wall), self.registry(wall, ranAt: ranAt), client
            ) { engine in
                let id = try await client.send(
                    RESPCommand("XADD", [keys.stream, "*", "job_data", #"{"type":"probe"}"#, "run_at", String(due)])
                ).string!
                try await waitUntil("moved to the delayed set") {
                    let delayed = try await client.zcard(keys.delayed)
                    let length = try await client.xlen(keys.stream)
                    return delayed == 1 && length == 0
                }
                #expect(try await client.xpending(keys.stream, group: keys.group).count == 0)
                #expect(engine.runningJobs[keys.stream] == 0)
                let member = try #require(try await client.zrangebyscore(keys.delayed, min: "-inf", max: "+inf").first)
                let fields = try #require(JSONSerialization.jsonObject(with: Data(member.utf8)) as? [String])
                #expect(!fields.contains("run_at"))
                #expect(fields.contains("scheduled_for") && fields.contains(String(due)) && fields.contains(id))
                #expect(try await client.zrangebyscore(keys.delayed, min: String(due), max: String(due)) == [member])
                // Rounds of the scheduler pass; nothing runs before the due time.
                wall.set(due - 1)
                try await Task.sleep(for: .milliseconds(200))
                #expect(ranAt.current.isEmpty)
                #expect(try await client.xlen(keys.results) == 0)
                wall.set(due)
                try await waitUntil("ran") { try await client.xlen(keys.results) == 1 }
                let result = try #require(try await client.xrange(keys.results).first)
                #expect(result["status"] == "succeeded")
                #expect(result["job_id"] == id)
                #expect(result["attempts"] == "1")
                #expect(ranAt.current.count == 1 && ranAt.current.allSatisfy { $0 >= due })
                #expect(try await client.zcard(keys.delayed) == 0)
            }
        }
    }

    @Test func delayIsCountedFromEnqueuedAt() async throws {
        try await self.withQueue { client, keys in
            let wall = WallClock(self.start)
            let ranAt = LockedBox<[Int64]>([])
            try await withEngine(
                TestEnv.engineConfiguration(keys, wall: wall), self.registry(wall, ranAt: ranAt), client
            ) { _ in
                _ = try await client.send(
                    RESPCommand(
                        "XADD",
                        [
                            keys.stream, "*", "job_data", #"{"type":"probe"}"#, "delay_ms", "300000", "enqueued_at",
                            String(self.start - 1000),
                        ]))
                try await waitUntil("delayed") { try await client.zcard(keys.delayed) == 1 }
                let member = try #require(try await client.zrangebyscore(keys.delayed, min: "-inf", max: "+inf").first)
                let due = self.start + 299_000
                #expect(try await client.zrangebyscore(keys.delayed, min: String(due), max: String(due)) == [member])
                wall.set(due)
                try await waitUntil("ran") { try await client.xlen(keys.results) == 1 }
                #expect(ranAt.current.allSatisfy { $0 >= due })
            }
        }
    }

    @Test func pastOrNearlyDueRunAtRunsAtOnce() async throws {
        try await self.withQueue { client, keys in
            let wall = WallClock(self.start)
            let ranAt = LockedBox<[Int64]>([])
            try await withEngine(
                TestEnv.engineConfiguration(keys, wall: wall), self.registry(wall, ranAt: ranAt), client
            ) { _ in
                for runAt in [self.start - 5000, self.start + DueTime.tolerance, 100_000_000_000] {
                    _ = try await client.send(
                        RESPCommand(
                            "XADD", [keys.stream, "*", "job_data", #"{"type":"probe"}"#, "run_at", String(runAt)]))
                }
                try await waitUntil("three ran") { try await client.xlen(keys.results) == 3 }
                #expect(try await client.xrange(keys.results).allSatisfy { $0["status"] == "succeeded" })
                #expect(ranAt.current == [self.start, self.start, self.start])
            }
        }
    }

    @Test func badRunAtOrDelayIsDeadLetteredWithAClearError() async throws {
        try await self.withQueue { client, keys in
            let wall = WallClock(self.start)
            let ranAt = LockedBox<[Int64]>([])
            try await withEngine(
                TestEnv.engineConfiguration(keys, wall: wall), self.registry(wall, ranAt: ranAt), client
            ) { _ in
                let bad: [[String]] = [
                    ["run_at", "tomorrow"], ["run_at", "1790000060"], ["delay_ms", "-1"],
                    ["delay_ms", "99999999999999"],
                    ["run_at", String(self.start + 1000), "delay_ms", "5"],
                ]
                for fields in bad {
                    _ = try await client.send(
                        RESPCommand("XADD", [keys.stream, "*", "job_data", #"{"type":"probe"}"#] + fields))
                }
                try await waitUntil("five dead") { try await client.xlen(keys.dead) == 5 }
                let errors = try await client.xrange(keys.dead).compactMap { $0["error"] }
                #expect(errors.count == 5)
                #expect(errors.contains { $0.contains("run_at must be a whole number") })
                #expect(errors.contains { $0.contains("seconds given") })
                #expect(errors.contains { $0.contains("delay_ms must be a whole number") })
                #expect(errors.contains { $0.contains("more than 366 days") })
                #expect(errors.contains { $0.contains("not both") })
                #expect(try await client.xrange(keys.results).allSatisfy { $0["status"] == "dead" })
                #expect(ranAt.current.isEmpty)
                #expect(try await client.zcard(keys.delayed) == 0)
            }
        }
    }

    @Test func producerRunAtGoesStraightToTheDelayedSet() async throws {
        try await self.withQueue { client, keys in
            let wall = WallClock(self.start)
            var producer = JobProducer(client: client)
            producer.now = { wall.now }
            let due = self.start + 60_000
            let id = try await producer.enqueue(
                queue: keys.stream, type: "probe", arguments: NoArguments(), options: .init(runAt: due))
            let delayedID = try await producer.enqueue(
                queue: keys.stream, type: "probe", arguments: NoArguments(), options: .init(delay: .seconds(90)))
            #expect(id != delayedID && UUID(uuidString: id) != nil)
            #expect(try await client.xlen(keys.stream) == 0)
            #expect(try await client.zrangebyscore(keys.delayed, min: String(due), max: String(due)).count == 1)
            #expect(
                try await client.zrangebyscore(
                    keys.delayed, min: String(self.start + 90_000), max: String(self.start + 90_000)
                ).count == 1)
            // Bad options are refused before anything is sent.
            await #expect(throws: JobError.self) {
                try await producer.enqueue(
                    queue: keys.stream, jobData: #"{"type":"probe"}"#, options: .init(runAt: due, delay: .seconds(1)))
            }
            await #expect(throws: JobError.self) {
                try await producer.enqueue(
                    queue: keys.stream, jobData: #"{"type":"probe"}"#, options: .init(delay: .seconds(-1)))
            }
            await #expect(throws: JobError.self) {
                try await producer.enqueue(
                    queue: keys.stream, jobData: #"{"type":"probe"}"#,
                    options: .init(runAt: self.start + DueTime.maximumAhead + 1))
            }
            let bulk = try await producer.enqueueBulk(
                queue: keys.stream, type: "probe", arguments: [NoArguments(), NoArguments()], options: .init(runAt: due)
            )
            #expect(Set(bulk).count == 2)
            #expect(try await client.zcard(keys.delayed) == 4)

            let ranAt = LockedBox<[Int64]>([])
            try await withEngine(
                TestEnv.engineConfiguration(keys, wall: wall), self.registry(wall, ranAt: ranAt), client
            ) { _ in
                try await Task.sleep(for: .milliseconds(150))
                #expect(ranAt.current.isEmpty)
                wall.set(due)
                try await waitUntil("three ran") { try await client.xlen(keys.results) == 3 }
                #expect(Set(try await client.xrange(keys.results).compactMap { $0["job_id"] }) == Set([id] + bulk))
                wall.set(self.start + 90_000)
                try await waitUntil("the delayed one ran") { try await client.xlen(keys.results) == 4 }
                #expect(ranAt.current.allSatisfy { $0 >= due })
            }
        }
    }

    @Test func waitingJobsHoldNoSlot() async throws {
        try await self.withQueue { client, keys in
            let wall = WallClock(self.start)
            let ranAt = LockedBox<[Int64]>([])
            let configuration = TestEnv.engineConfiguration(keys, wall: wall, concurrency: 1)
            try await withEngine(configuration, self.registry(wall, ranAt: ranAt), client) { engine in
                for _ in 0..<5 {
                    _ = try await client.send(
                        RESPCommand("XADD", [keys.stream, "*", "job_data", #"{"type":"probe"}"#, "run_at", String(self.start + 3_600_000)]))
                }
                for _ in 0..<3 {
                    _ = try await client.send(RESPCommand("XADD", [keys.stream, "*", "job_data", #"{"type":"probe"}"#]))
                }
                // One slot: the three due jobs run while the five scheduled ones wait in the delayed set.
                try await waitUntil("due jobs ran") { try await client.xlen(keys.results) == 3 }
                #expect(try await client.zcard(keys.delayed) == 5)
                #expect(engine.runningJobs[keys.stream] == 0)
                #expect(ranAt.current == [self.start, self.start, self.start])
            }
        }
    }

    @Test func postponingTwiceMovesTheEntryOnce() async throws {
        try await self.withQueue { client, keys in
            try await client.xgroupCreate(keys.stream, group: keys.group, id: "0", makeStream: true)
            let id = try await client.send(
                RESPCommand("XADD", [keys.stream, "*", "job_data", #"{"type":"probe"}"#, "run_at", "1800000000000"])
            ).string!
            _ = try await client.xreadgroup(group: keys.group, consumer: "c", streams: [(keys.stream, ">")], count: 10)
            let member = #"["job_data","{\"type\":\"probe\"}","job_id",""# + id + #"","scheduled_for","1800000000000"]"#
            for expected in [1, 0] {
                let moved = try await client.eval(
                    ScheduleScripts.postpone, keys: [keys.stream, keys.delayed],
                    arguments: [keys.group, id, "1800000000000", member])
                #expect(moved.int == expected)
            }
            #expect(try await client.zcard(keys.delayed) == 1)
            #expect(try await client.xlen(keys.stream) == 0)
            #expect(try await client.xpending(keys.stream, group: keys.group).count == 0)
        }
    }
}
