import Foundation
import JobEngine
import Logging
import RESP
import TestSupport
import Testing

@testable import RedisClient

extension RealClusterTests {
    /// A partitioned queue whose three partitions live on the three masters: one engine drains
    /// it; prints jobs lost, run twice and the longest time without progress.
    @Suite("A partitioned queue spread over the three masters") struct Partitions {
        static var jobCount: Int {
            Int(ProcessInfo.processInfo.environment["REDIS_CLUSTER_DRAIN_JOBS"] ?? "") ?? 10_000
        }

        /// A fresh logical queue name whose 3 partitions hash to slots of 3 different masters
        /// (about one name in five does; the names are tried in turn, at most 200).
        static func spreadQueueName(masters: [TestRedisCluster.Node]) throws -> (name: String, owners: [Int]) {
            for _ in 0..<200 {
                let name = "t_part_\(UUID().uuidString.prefix(8))"
                let owners = QueuePartitions([name: 3]).physicalNames(of: name).compactMap { physical -> Int? in
                    let slot = RedisHashSlot.slot(of: physical)
                    return masters.first { $0.serves(slot) }?.port
                }
                if owners.count == 3 && Set(owners).count == 3 { return (name, owners) }
            }
            throw TestFailure("no queue name spread over three masters in 200 tries")
        }

        @Test func drainOfAQueuePartitionedOverThreeMasters() async throws {
            var logger = Logger(label: "cluster-partitions")
            logger.logLevel = ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .critical
            let masters = try await TestRedisCluster.nodes().filter(\.isMaster)
            try #require(masters.count == 3, "the test cluster has three masters: \(masters)")
            let (name, owners) = try Self.spreadQueueName(masters: masters)
            let partitions = QueuePartitions([name: 3])
            let keys = QueueKeys(queue: name, group: "g")
            let all = partitions.keys(of: keys)
            // Every partition's keys (stream, lanes, companions) are in its own slot, on its own master.
            for (partition, owner) in zip(all, owners) {
                let slot = RedisHashSlot.slot(of: partition.stream)
                for key in [partition.critical, partition.bulk, partition.delayed, partition.dead, partition.results, partition.paused] {
                    #expect(RedisHashSlot.slot(of: key) == slot, "\(key)")
                }
                #expect(try await TestRedisCluster.owner(of: slot).port == owner)
            }

            let report = try await withClusterClient { client in
                let progress = DrainProgress()
                var registry = JobRegistry()
                // Keyed by the job's own number: entry IDs (the default job IDs) are unique per stream
                // only, and two partitions on two masters can hand out the same `ms-seq`.
                registry.register(JobDefinition<DrainArguments>(name: "drain")) { arguments, _ in
                    progress.ran(String(arguments.n))
                    return ["ok": true]
                }
                let configuration = EngineConfiguration.clusterDrain(workerPrefix: "part", queues: partitions.expand([QueueConfiguration(keys: keys, concurrency: 96)]))
                let engine = JobEngine(configuration: configuration, registry: registry, client: client, logger: logger)
                let jobs = Self.jobCount
                return try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await engine.run() }
                    var producer = JobProducer(client: client)
                    producer.partitions = partitions
                    let ids = (0..<jobs).map { String($0) }
                    var entryIDs: [String] = []
                    // Half by user_id (the documented hash), half round robin (no user_id).
                    for start in stride(from: 0, to: jobs / 2, by: 1) {
                        entryIDs.append(try await producer.enqueue(
                            queue: name, type: "drain", arguments: DrainArguments(n: start), options: EnqueueOptions(userID: "user-\(start % 997)")))
                    }
                    for start in stride(from: jobs / 2, to: jobs, by: 1000) {
                        entryIDs += try await producer.enqueueBulk(
                            queue: name, type: "drain", arguments: (start..<min(jobs, start + 1000)).map { DrainArguments(n: $0) })
                    }
                    #expect(entryIDs.count == jobs)
                    // Every partition received work before the drain ends.
                    var perPartition: [Int] = []
                    for partition in all {
                        perPartition.append(try await client.send(RESPCommand("XINFO", ["STREAM", partition.stream])).pairs?
                            .first { $0.key.string == "entries-added" }?.value.int ?? 0)
                    }
                    #expect(perPartition.allSatisfy { $0 >= jobs / 5 }, "entries added per partition: \(perPartition)")
                    try? await waitUntil("every job run", timeout: .seconds(240)) { progress.distinctRuns >= jobs }
                    engine.stop()
                    try await group.waitForAll()
                    let report = progress.report(ids: ids, disruption: "steady state (3 partitions on 3 masters, entries added \(perPartition))")
                    for partition in all {
                        #expect(try await client.xlen(partition.stream) == 0)
                        for key in [partition.stream, partition.critical, partition.bulk, partition.delayed, partition.dead, partition.results,
                                    partition.idempotency, partition.idempotencyIndex] {
                            _ = try? await client.send(RESPCommand("DEL", [key]))
                        }
                        for key in (try? await scanKeys(client, "{\(partition.stream)}:*")) ?? [] {
                            _ = try? await client.send(RESPCommand("DEL", [key]))
                        }
                    }
                    return report
                }
            }
            print("partitioned queue \(name) over masters \(owners): \(report)")
            #expect(report.lost == 0)
            #expect(report.ranTwice == 0)
        }
    }
}
