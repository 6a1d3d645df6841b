import Foundation
import RESP
import RedisClient
import TestSupport
import Testing

@testable import JobEngine

/// `PeriodicScheduler` against the real test Redis, on a stepped clock (the wall clock is derived
/// from it), so ticks happen exactly when the test advances time.
@Suite("Periodic jobs against a real redis-server", .serialized)
struct PeriodicSchedulerTests {
    /// 2026-11-27T00:00:30+09:00.
    let start = ms("2026-11-27T00:00:30+09:00")

    func job(_ queue: String, cron: String = "* * * * *", missed: MissedTickPolicy = .skip, name: String = "every")
        throws -> PeriodicJob
    {
        PeriodicJob(
            name: name, schedule: try CronExpression(parsing: cron), timeZone: seoul, queue: queue,
            jobData: #"{"type":"probe"}"#,
            type: "probe", userID: "ops", missedTicks: missed)
    }

    func withQueue(_ name: String = #function, _ body: (RedisClient, QueueKeys) async throws -> Void) async throws {
        try await withClient(TestRedis.configuration) { client in
            let keys = TestEnv.queue(name)
            try await withCleanup(
                { try await body(client, keys) },
                cleanup: {
                    let prefix = "{\(keys.stream)}:periodic:"
                    let found =
                        (try? await client.send(RESPCommand("KEYS", [prefix + "*"])).array?.compactMap(\.string)) ?? []
                    await deleteQueue(client, keys, extra: found)
                })
        }
    }

    @Test func twoWorkersEnqueueEachTickExactlyOnce() async throws {
        try await self.withQueue { client, keys in
            let clock = SteppedClock()
            let start = self.start
            let wall: @Sendable () -> Int64 = { start + clock.now.offset.milliseconds }
            let job = try self.job(keys.stream)
            let workers = (0..<2).map { _ in
                PeriodicScheduler(jobs: [job], client: client, now: wall, clock: clock, logger: TestEnv.logger)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in workers { group.addTask { try await worker.run() } }
                for tick in 1...5 {
                    // Both asleep until the next minute (30 s after the start, then every 60 s).
                    let next = Duration.seconds(30 + 60 * (tick - 1))
                    try await waitUntil("both workers asleep until tick \(tick)") {
                        let sleeping = clock.sleepingUntil
                        return sleeping.count == 2 && sleeping.allSatisfy { $0 == next }
                    }
                    clock.advance(by: next - clock.now.offset)
                    try await waitUntil("tick \(tick) enqueued") { try await client.xlen(keys.stream) >= tick }
                }
                try await waitUntil("both asleep after the last tick") {
                    clock.sleepingUntil == [.seconds(30 + 60 * 5), .seconds(30 + 60 * 5)]
                }
                for worker in workers { worker.stop() }
                try await group.waitForAll()
            }
            let entries = try await client.xrange(keys.stream)
            let ticks = (1...5).map { ms("2026-11-27T00:0\($0):00+09:00") }
            #expect(entries.count == 5)
            #expect(entries.compactMap { $0["periodic_tick"].flatMap { Int64($0) } } == ticks)
            #expect(entries.compactMap { $0["job_id"] } == ticks.map { "periodic:every:\($0)" })
            #expect(
                entries.allSatisfy {
                    $0["job_data"] == #"{"type":"probe"}"# && $0["user_id"] == "ops" && $0["periodic"] == "every"
                })
            let last = try await client.send(RESPCommand("GET", [job.lastTickKey])).string
            #expect(last == String(ticks.last!))
            // Each tick has its own key, with a TTL.
            let ttl = try await client.send(RESPCommand("PTTL", [job.tickKey(ticks[0])])).int ?? -2
            #expect(ttl > 0 && ttl <= PeriodicScheduler.tickKeyTTL)
        }
    }

    @Test func afterDowntimeCatchUpEnqueuesTheNewestMissedTicksAndSkipNone() async throws {
        try await self.withQueue { client, keys in
            let catchUp = try self.job(keys.stream, cron: "*/5 * * * *", missed: .catchUp(limit: 3), name: "catchup")
            let skip = try self.job(keys.stream, cron: "*/5 * * * *", missed: .skip, name: "skip")
            // A worker saw the jobs at 00:00:30 (sets `last`), then every worker was down until 00:23.
            let before = PeriodicScheduler(
                jobs: [catchUp, skip], client: client, now: { self.start }, logger: TestEnv.logger)
            #expect(try await before.register() == ["catchup": self.start, "skip": self.start])
            let later = ms("2026-11-27T00:23:00+09:00")
            let after = PeriodicScheduler(
                jobs: [catchUp, skip], client: client, now: { later }, logger: TestEnv.logger)
            let cursors = try await after.register()
            #expect(cursors == ["catchup": self.start, "skip": self.start])
            let newest = ms("2026-11-27T00:20:00+09:00")
            #expect(try await after.enqueueDue(catchUp, cursor: cursors["catchup"]!) == newest)
            #expect(try await after.enqueueDue(skip, cursor: cursors["skip"]!) == newest)
            let entries = try await client.xrange(keys.stream)
            #expect(entries.map { $0["periodic"] } == ["catchup", "catchup", "catchup"])
            #expect(
                entries.compactMap { $0["periodic_tick"] }
                    == ["00:10", "00:15", "00:20"].map { String(ms("2026-11-27T\($0):00+09:00")) })
            // Another worker coming back with a stale cursor enqueues nothing again.
            let third = PeriodicScheduler(
                jobs: [catchUp, skip], client: client, now: { later + 1000 }, logger: TestEnv.logger)
            #expect(try await third.enqueueDue(catchUp, cursor: self.start) == newest)
            #expect(try await third.enqueueDue(skip, cursor: self.start) == newest)
            #expect(try await client.xlen(keys.stream) == 3)
            // The next tick runs normally for both.
            let next = PeriodicScheduler(
                jobs: [catchUp, skip], client: client, now: { ms("2026-11-27T00:25:01+09:00") }, logger: TestEnv.logger)
            _ = try await next.enqueueDue(catchUp, cursor: newest)
            _ = try await next.enqueueDue(skip, cursor: newest)
            #expect(try await client.xrange(keys.stream).suffix(2).map { $0["periodic"] } == ["catchup", "skip"])
        }
    }

    @Test func statusShowsNextRunAndLastTick() async throws {
        try await self.withQueue { client, keys in
            let job = try self.job(keys.stream, cron: "0 3 * * *", missed: .catchUp(limit: 2), name: "nightly")
            let scheduler = PeriodicScheduler(jobs: [job], client: client, now: { self.start }, logger: TestEnv.logger)
            var status = try await scheduler.status()
            #expect(status.count == 1)
            #expect(status[0].lastTick == nil)
            #expect(status[0].nextRun == ms("2026-11-27T03:00:00+09:00"))
            #expect(status[0].nextRunLocal == "2026-11-27T03:00:00+09:00")
            _ = try await scheduler.register()
            status = try await scheduler.status()
            #expect(status[0].lastTick == self.start)
            #expect(status[0].missed == "catch_up" && status[0].catchUpMax == 2 && status[0].timeZone == "Asia/Seoul")
        }
    }

    @Test func stopEndsAWaitingScheduler() async throws {
        try await self.withQueue { client, keys in
            let clock = SteppedClock()
            let scheduler = PeriodicScheduler(
                jobs: [try self.job(keys.stream, cron: "@yearly")], client: client, now: { self.start }, clock: clock,
                logger: TestEnv.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await scheduler.run() }
                try await waitUntil("asleep") { clock.sleepingUntil == [PeriodicScheduler.maximumSleep] }
                scheduler.stop()
                try await group.waitForAll()
            }
            #expect(try await client.xlen(keys.stream) == 0)
        }
    }
}
