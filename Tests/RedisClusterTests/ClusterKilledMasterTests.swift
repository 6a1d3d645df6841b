import Foundation
import JobEngine
import Logging
import RESP
import TestSupport
import Testing

@testable import RedisClient

extension RealClusterTests {
    /// An unplanned failover: `kill -9` of the master owning the queue's slot during a 10,000-job
    /// drain, its replica promoted by the cluster itself (`cluster-node-timeout` 2 s), the killed
    /// node restarted to rejoin as a replica. Half the jobs are enqueued with `WAIT 1` (none of
    /// those may be lost), half without (those may be lost: counted and printed).
    @Suite("Engine drains through a kill -9 of the queue's master") struct KilledMaster {
        static var jobCount: Int {
            Int(ProcessInfo.processInfo.environment["REDIS_CLUSTER_DRAIN_JOBS"] ?? "") ?? 10_000
        }

        /// Progress lines appended to the file `TEST_TRACE_FILE` names (the test takes a minute or more).
        static func trace(_ line: String) {
            guard let path = ProcessInfo.processInfo.environment["TEST_TRACE_FILE"],
                let file = FileHandle(forWritingAtPath: path)
            else { return }
            file.seekToEndOfFile()
            file.write(Data("\(Date()) [cluster kill -9] \(line)\n".utf8))
            try? file.close()
        }

        @Test func drainThroughAKilledMaster() async throws {
            let jobs = Self.jobCount
            let chunk = 100
            var logger = Logger(label: "cluster-kill")
            logger.logLevel =
                ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) }
                ?? .critical
            Self.trace("waiting for a healthy cluster")
            try await TestRedisCluster.waitUntilHealthy()
            Self.trace("healthy")
            let keys = QueueKeys(queue: "t_kill_\(UUID().uuidString.prefix(8))", group: "g")
            let slot = RedisHashSlot.slot(of: keys.stream)
            let ledger = KillLedger(jobs: jobs)
            let retries = LockedBox(0)
            let killedAt = LockedBox<(run: Int, acknowledged: Int)?>(nil)
            var registry = JobRegistry()
            registry.register(
                JobDefinition<DrainArguments>(
                    name: "killdrain",
                    retryPolicy: RetryPolicy(
                        maximumRetries: 5, baseDelay: .milliseconds(20), maximumDelay: .milliseconds(200)))
            ) { arguments, _ in
                ledger.ran(arguments.n)
                return ["ok": true]
            }
            let adjust: @Sendable (inout RedisConfiguration) -> Void = { configuration in
                configuration.commandTimeout = .seconds(3)
                configuration.blockingMargin = .seconds(2)
                configuration.healthCheckInterval = .seconds(1)
            }
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: .seconds(240))
            let outcome: Result<Void, any Error> = try await withClusterClient(adjust) { producerClient in
                try await withClusterClient(adjust) { workerClient in
                    let configuration = EngineConfiguration.clusterDrain(workerPrefix: "kill", queues: [QueueConfiguration(keys: keys, concurrency: 64)])
                    let engine = JobEngine(
                        configuration: configuration, registry: registry, client: workerClient, logger: logger)
                    let producer = JobProducer(client: producerClient)
                    return await withTaskGroup(of: Void.self) { group in
                        group.addTask { try? await engine.run() }
                        group.addTask {
                            // Paced (about 2,000 jobs/s) so that enqueues are in flight when the master dies.
                            for (index, start) in stride(from: 0, to: jobs, by: chunk).enumerated() {
                                let range = start..<min(start + chunk, jobs)
                                let withWait = index.isMultiple(of: 2)
                                let options = EnqueueOptions(
                                    durability: withWait ? .replicas(1, timeout: .seconds(2)) : .master)
                                while clock.now < deadline {
                                    do {
                                        try await producer.enqueueBulk(
                                            queue: keys.stream, type: "killdrain",
                                            arguments: range.map { DrainArguments(n: $0) }, options: options)
                                        ledger.acknowledged(range, withWait ? .replica : .master)
                                        break
                                    } catch {
                                        // Unacknowledged (or too few replicas): enqueue again.
                                        retries.withLock { $0 += 1 }
                                        try? await Task.sleep(for: .milliseconds(200))
                                    }
                                }
                                try? await Task.sleep(for: .milliseconds(50))
                            }
                            ledger.finishEnqueueing()
                        }
                        let result: Result<Void, any Error>
                        do {
                            ledger.markProgress()
                            try await waitUntil("\(jobs / 5) jobs to run", timeout: .seconds(120)) {
                                ledger.distinct >= jobs / 5
                            }
                            Self.trace("\(ledger.distinct) run: killing the master of slot \(slot)")
                            let master = try await TestRedisCluster.owner(of: slot)
                            killedAt.withLock {
                                $0 = (
                                    ledger.distinct,
                                    ledger.acknowledgedCount(.master) + ledger.acknowledgedCount(.replica)
                                )
                            }
                            let killed = try await TestRedisCluster.kill9(master)
                            Self.trace("killed :\(killed.port) with \(ledger.distinct) run")
                            let promoted: Result<TestRedisCluster.Node, any Error>
                            do {
                                promoted = .success(
                                    try await TestRedisCluster.waitForPromotion(ofSlot: slot, awayFrom: killed))
                            } catch {
                                promoted = .failure(error)
                            }
                            // Back in any case, so that later tests find six nodes.
                            try await TestRedisCluster.restart(killed)
                            let newMaster = try promoted.get()
                            Self.trace("restarted :\(killed.port), \(ledger.distinct) run")
                            print("cluster kill -9: master :\(killed.port) killed, replica :\(newMaster.port) promoted")
                            try await waitUntil("every acknowledged job to run", timeout: deadline - clock.now) {
                                ledger.isComplete
                            }
                            result = .success(())
                        } catch {
                            result = .failure(error)
                        }
                        Self.trace("drain over (\(result)): \(ledger.distinct) run; stopping")
                        // Jobs enqueued without WAIT may be lost: wait for those acknowledged by a
                        // replica only, then stop.
                        if case .failure = result {
                            try? await waitUntil("every replica-acknowledged job to run", timeout: .seconds(20)) {
                                ledger.isCompleteForReplicaAcknowledged
                            }
                        }
                        engine.stop()
                        group.cancelAll()
                        await group.waitForAll()
                        Self.trace("engine stopped")
                        _ = try? await producerClient.send(
                            RESPCommand(
                                "DEL",
                                [
                                    keys.stream, keys.delayed, keys.dead, keys.results, keys.idempotency,
                                    keys.idempotencyIndex,
                                ]
                            ))
                        return result
                    }
                }
            }
            let stall = ledger.longestStall.components
            let at = killedAt.withLock { $0 }
            print(
                "cluster drain through a kill -9 of the queue's master: jobs \(jobs), "
                    + "lost with WAIT \(ledger.lost(.replica)) of \(ledger.acknowledgedCount(.replica)), "
                    + "lost without WAIT \(ledger.lost(.master)) of \(ledger.acknowledgedCount(.master)), "
                    + "run twice \(ledger.ranTwice), longest time without progress "
                    + String(format: "%.2f", Double(stall.seconds) + Double(stall.attoseconds) / 1e18) + " s, "
                    + "enqueue retries \(retries.withLock { $0 }), never acknowledged \(ledger.unacknowledged)"
                    + (at.map { " (killed with \($0.run) run, \($0.acknowledged) acknowledged)" } ?? ""))
            // The shared cluster is whole again before the next test.
            try await TestRedisCluster.waitUntilHealthy()
            let healthProblem = try await TestRedisCluster.healthProblem()
            #expect(healthProblem == nil)
            #expect(ledger.lost(.replica) == 0)
            #expect(ledger.unacknowledged == 0)
            if let at { #expect(at.run < jobs, "the master died with jobs still to run") }
            try outcome.get()
        }
    }
}
