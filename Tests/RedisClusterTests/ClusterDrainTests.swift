import Foundation
import JobEngine
import Logging
import RESP
import TestSupport
import Testing

@testable import RedisClient

struct DrainArguments: Codable, Sendable {
    var n: Int
}

/// What a drain under disruption measured.
struct DrainReport: CustomStringConvertible {
    var jobs: Int
    var lost: Int
    var ranTwice: Int
    var longestStall: Duration
    var disruption: String
    /// Jobs run when the change began and when it was done.
    var runAtStart = 0
    var runAtEnd = 0

    var description: String {
        let stall = Double(longestStall.components.seconds) + Double(longestStall.components.attoseconds) / 1e18
        return "cluster drain during \(disruption): jobs \(jobs), lost \(lost), run twice \(ranTwice), "
            + "longest time without progress \(String(format: "%.2f", stall)) s "
            + "(\(runAtStart) run when the change began, \(runAtEnd) when it was done)"
    }
}

/// Progress of a drain, from the jobs' own runs (the side effect that counts).
final class DrainProgress: Sendable {
    private struct State {
        var runs: [String: Int] = [:]
        var last: ContinuousClock.Instant?
        var longestStall: Duration = .zero
    }
    private let state = LockedBox(State())
    private let clock = ContinuousClock()

    func ran(_ id: String) {
        let now = self.clock.now
        self.state.withLock { state in
            state.runs[id, default: 0] += 1
            if let last = state.last { state.longestStall = max(state.longestStall, last.duration(to: now)) }
            state.last = now
        }
    }

    var distinctRuns: Int { self.state.withLock { $0.runs.count } }

    func report(ids: [String], disruption: String) -> DrainReport {
        self.state.withLock { state in
            DrainReport(
                jobs: ids.count, lost: ids.count { state.runs[$0] == nil },
                ranTwice: state.runs.values.count { $0 > 1 },
                longestStall: state.longestStall, disruption: disruption)
        }
    }
}

extension RealClusterTests {
    /// The engine draining a queue while its slot moves to another master, and while its master
    /// fails over to its replica. Prints jobs lost, run twice and the longest stall; no job may be
    /// lost in these planned changes.
    @Suite("Engine drains through a slot migration and a failover") struct Drains {
        static var jobCount: Int {
            Int(ProcessInfo.processInfo.environment["REDIS_CLUSTER_DRAIN_JOBS"] ?? "") ?? 10_000
        }

        @Test func drainDuringASlotMigrationOfTheQueue() async throws {
            let report = try await Self.drain(disruption: "a slot migration of the queue") { keys in
                try await TestRedisCluster.migrate(slot: RedisHashSlot.slot(of: keys.stream))
            }
            print(report)
            #expect(report.lost == 0)
        }

        @Test func drainDuringAFailoverOfTheQueuesMaster() async throws {
            let report = try await Self.drain(disruption: "a CLUSTER FAILOVER of the queue's master") { keys in
                try await TestRedisCluster.failover(ofSlot: RedisHashSlot.slot(of: keys.stream))
            }
            print(report)
            #expect(report.lost == 0)
        }

        static func drain(disruption: String, _ disrupt: @escaping @Sendable (QueueKeys) async throws -> Void)
            async throws -> DrainReport
        {
            var logger = Logger(label: "cluster-drain")
            logger.logLevel =
                ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) }
                ?? .critical
            return try await withClusterClient { client in
                let keys = QueueKeys(queue: "t_drain_\(UUID().uuidString.prefix(8))", group: "g")
                let progress = DrainProgress()
                var registry = JobRegistry()
                registry.register(
                    JobDefinition<DrainArguments>(
                        name: "drain",
                        retryPolicy: RetryPolicy(
                            maximumRetries: 5, baseDelay: .milliseconds(20), maximumDelay: .milliseconds(200)))
                ) { _, context in
                    progress.ran(context.jobID)
                    return ["ok": true]
                }
                let configuration = EngineConfiguration.clusterDrain(workerPrefix: "drain", queues: [QueueConfiguration(keys: keys, concurrency: 64)])
                let engine = JobEngine(configuration: configuration, registry: registry, client: client, logger: logger)
                let jobs = Self.jobCount
                return try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await engine.run() }
                    let producer = JobProducer(client: client)
                    var ids: [String] = []
                    for start in stride(from: 0, to: jobs, by: 1000) {
                        ids += try await producer.enqueueBulk(
                            queue: keys.stream, type: "drain",
                            arguments: (start..<min(jobs, start + 1000)).map { DrainArguments(n: $0) })
                    }
                    try await waitUntil("a fifth of the jobs run", timeout: .seconds(120)) {
                        progress.distinctRuns >= jobs / 5
                    }
                    let runAtStart = progress.distinctRuns
                    try await disrupt(keys)
                    let runAtEnd = progress.distinctRuns
                    // Not every job may come through; the report says how many did not.
                    try? await waitUntil("every job run", timeout: .seconds(180)) { progress.distinctRuns >= jobs }
                    engine.stop()
                    try await group.waitForAll()
                    var report = progress.report(ids: ids, disruption: disruption)
                    report.runAtStart = runAtStart
                    report.runAtEnd = runAtEnd
                    // The change happened with jobs still waiting, or the test proved nothing.
                    #expect(runAtStart < jobs)
                    _ = try? await client.send(
                        RESPCommand(
                            "DEL",
                            [
                                keys.stream, keys.delayed, keys.dead, keys.results, keys.idempotency,
                                keys.idempotencyIndex,
                            ]))
                    return report
                }
            }
        }
    }
}
