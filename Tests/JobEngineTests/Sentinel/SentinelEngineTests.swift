import Foundation
import RESP
import RedisClient
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@testable import JobEngine

/// The engine through failovers of a private master + replica + 3 sentinels, 10,000 jobs each,
/// two workers. `minIdle` is 10 minutes, so nothing finishes through the reclaim of stalled
/// consumers: only the fast re-read of a consumer's own pending entries recovers lost replies.
/// Each prints jobs lost, jobs run twice and the longest time without progress.
@Suite(
    "Engine through Sentinel failovers", .enabled(if: TestSentinel.privateSetsRun), .serialized, .timeLimit(.minutes(6))
)
struct SentinelEngineTests {
    private func engineRedis(_ set: PrivateSentinelSet) throws -> RedisConfiguration {
        var configuration = try set.configuration()
        configuration.commandTimeout = .seconds(3)
        configuration.blockingMargin = .seconds(2)
        configuration.healthCheckInterval = .seconds(1)
        return configuration
    }

    @Test func plannedFailoverLosesNoJob() async throws {
        try await withPrivateSentinelSet { set in
            let report = try await drainThroughDisruption(
                "planned failover", jobs: 10_000, redis: try self.engineRedis(set),
                durability: .replicas(1, timeout: .seconds(2)), minIdle: .seconds(600), disruptAfter: 3_000,
                timeout: .seconds(240)
            ) {
                _ = try await set.failover()
            }
            #expect(report.lost == 0, "\(report)")
            #expect(report.unacknowledged == 0, "\(report)")
        }
    }

    @Test func killedMasterLosesNoJobEnqueuedWithWait() async throws {
        try await withPrivateSentinelSet { set in
            let report = try await drainThroughDisruption(
                "kill -9 of the master", jobs: 10_000, redis: try self.engineRedis(set),
                durability: .replicas(1, timeout: .seconds(2)), minIdle: .seconds(600), disruptAfter: 3_000,
                timeout: .seconds(240)
            ) {
                let old = try await set.master()
                try await old.kill9()
                try await waitUntil("the sentinels to promote the replica", timeout: .seconds(60)) {
                    (try? await set.masterPort()).map { $0 != old.port } ?? false
                }
                // Back as a replica, so WAIT 1 can be satisfied again.
                try await set.restartAsReplica(old)
            }
            #expect(report.lost == 0, "\(report)")
            #expect(report.unacknowledged == 0, "\(report)")
        }
    }
}

/// A consumer whose read reply was lost with a timed-out connection re-reads its own pending
/// entries at once (the issue's 12 s SIGSTOP): with `minIdle` at 10 minutes, only that fast path
/// can finish the drain within the test's time.
@Suite(
    "Fast recovery of own pending entries", .enabled(if: TestServers.shouldRun(PrivateRedis.executable != nil)),
    .timeLimit(.minutes(4)))
struct OwnPendingRecoveryTests {
    @Test func drainCompletesAfterAStallWithoutWaitingForMinIdle() async throws {
        try await withPrivateRedis { server in
            var redis = server.configuration
            redis.commandTimeout = .seconds(1)
            redis.blockingMargin = .milliseconds(500)
            redis.connectTimeout = .seconds(2)
            redis.healthCheckInterval = .seconds(1)
            let report = try await drainThroughDisruption(
                "stall past the command timeout", jobs: 5_000, redis: redis, durability: .master,
                minIdle: .seconds(600),
                disruptAfter: 1_000, timeout: .seconds(150)
            ) {
                server.suspend()
                try await Task.sleep(for: .seconds(4))
                server.signal(SIGCONT)
            }
            #expect(report.lost == 0, "\(report)")
            #expect(report.unacknowledged == 0, "\(report)")
        }
    }
}

/// `EnqueueDurability.replicas`: `XADD` + `WAIT` on one connection.
@Suite("Producer WAIT for replicas", .enabled(if: TestSentinel.suitesRun), .timeLimit(.minutes(2)))
struct ProducerWaitTests {
    @Test func enqueueWaitsForTheReplica() async throws {
        try await withClient(try TestSentinel.configuration()) { client in
            let queue = TestRedis.key()
            let producer = JobProducer(client: client)
            let id = try await producer.enqueue(
                queue: queue, type: "t", arguments: CountedJob(n: 1),
                options: .init(durability: .replicas(1, timeout: .seconds(5))))
            let ids = try await producer.enqueueBulk(
                queue: queue, type: "t", arguments: (0..<2_500).map { CountedJob(n: $0) },
                options: .init(durability: .replicas(1, timeout: .seconds(5))))
            #expect(ids.count == 2_500)
            #expect(try await client.xlen(queue) == 2_501)
            #expect(try await client.xrange(queue, count: 1).first?.id == id)
            try await client.send("DEL", queue)
        }
    }

    @Test func tooFewReplicasThrowsWithTheEnqueuedIDs() async throws {
        try await withClient(try TestSentinel.configuration()) { client in
            let queue = TestRedis.key()
            let producer = JobProducer(client: client)
            do {
                _ = try await producer.enqueue(
                    queue: queue, type: "t", arguments: CountedJob(n: 1),
                    options: .init(durability: .replicas(2, timeout: .milliseconds(100))))
                Issue.record("two replicas acknowledged, but there is one")
            } catch let error as ReplicaAcknowledgementError {
                #expect(error.required == 2 && error.acknowledged == 1)
                #expect(error.entryIDs.count == 1)
                // The job is on the master all the same.
                #expect(try await client.xrange(queue).map(\.id) == error.entryIDs)
            }
            do {
                _ = try await producer.enqueueBulk(
                    queue: queue, type: "t", arguments: (0..<1_500).map { CountedJob(n: $0) },
                    options: .init(durability: .replicas(2, timeout: .milliseconds(50))))
                Issue.record("bulk enqueue acknowledged by two replicas")
            } catch let error as ReplicaAcknowledgementError {
                #expect(error.entryIDs.count == 1_000, "the first chunk's WAIT fell short")
            }
            try await client.send("DEL", queue)
        }
    }

    @Test func durabilityArguments() {
        #expect(EnqueueDurability.master.waitArguments == nil)
        #expect(EnqueueDurability.replicas(0, timeout: .seconds(1)).waitArguments == nil)
        #expect(EnqueueDurability.replicas(2, timeout: .milliseconds(1500)).waitArguments?.milliseconds == 1500)
        #expect(
            EnqueueDurability.replicas(1, timeout: .zero).waitArguments?.milliseconds == 1,
            "WAIT n 0 would block forever")
        #expect(EnqueueDurability.replicas(1, timeout: .microseconds(10)).waitArguments?.milliseconds == 1)
    }
}
