import JobEngine
import RESP
import RedisClient
import TestSupport
import Testing

@testable import WorkerServer

@Suite("Queue depth over lanes")
struct LaneStatsTests {
    @Test func depthIsTheSumOfTheLanesWithPerLaneNumbers() async throws {
        try await withTestClient { client in
            let keys = TestEnv.queue()
            try await withCleanup {
                for stream in keys.laneStreams {
                    try await client.xgroupCreate(stream, group: keys.group, id: "0", makeStream: true)
                }
                for _ in 0..<3 { try await client.send(RESPCommand("XADD", [keys.critical, "*", "job_data", "{}"])) }
                for _ in 0..<2 { try await client.send(RESPCommand("XADD", [keys.stream, "*", "job_data", "{}"])) }
                for _ in 0..<5 { try await client.send(RESPCommand("XADD", [keys.bulk, "*", "job_data", "{}"])) }
                // One bulk entry in flight.
                _ = try await client.xreadgroup(group: keys.group, consumer: "c", streams: [(keys.bulk, ">")], count: 1)
                let stats = try await QueueInspector(queues: [keys], client: client).stats(keys)
                #expect(stats.length == 10)
                #expect(stats.pending == 1)
                #expect(stats.waiting == 9)
                #expect(stats.lag == 9)
                #expect(stats.lanes.map(\.lane) == ["critical", "default", "bulk"])
                #expect(stats.lanes.map(\.length) == [3, 2, 5])
                #expect(stats.lanes.map(\.waiting) == [3, 2, 4])
                #expect(stats.lanes.map(\.stream) == keys.laneStreams)
            } cleanup: {
                _ = try? await client.send(RESPCommand("DEL", keys.laneStreams))
            }
        }
    }
}
