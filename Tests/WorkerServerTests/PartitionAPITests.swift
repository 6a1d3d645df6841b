import Foundation
import Hummingbird
import HummingbirdTesting
import JobEngine
import Prometheus
import RESP
import RedisClient
import TestSupport
import Testing

@testable import WorkerServer

/// The admin API, metrics and job lookup of a partitioned queue: one logical queue with totals and
/// a per-partition breakdown; pause, resume, dead letters and lookup over every partition.
@Suite("Admin API of partitioned queues", .serialized)
struct PartitionAPITests {
    static let token = "test-token-0123456789"
    var auth: HTTPFields { [.authorization: "Bearer \(Self.token)"] }

    func withServer(
        _ keys: QueueKeys, partitions: QueuePartitions,
        _ body: @Sendable @escaping (any TestClientProtocol, RedisClient) async throws -> Void
    ) async throws {
        try await withTestClient { client in
            var settings = ServerSettings()
            settings.adminToken = Self.token
            let server = WorkerHTTPServer(
                settings: settings, inspector: QueueInspector(queues: [keys], client: client, partitions: partitions),
                readiness: ReadinessCheck(client: client, queues: partitions.keys(of: keys)), directory: WorkerDirectory(client: client),
                registry: PrometheusCollectorRegistry(), logger: TestEnv.logger)
            let app = Application(router: server.buildRouter())
            try await app.test(.router) { testClient in try await body(testClient, client) }
            for partition in partitions.keys(of: keys) {
                for key in [partition.stream, partition.critical, partition.bulk, partition.delayed, partition.dead, partition.paused, partition.results] {
                    try await client.send("DEL", key)
                }
            }
        }
    }

    func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    @Test func statsAreTotalsWithAPerPartitionBreakdownAndMetricsLabelPartitions() async throws {
        let keys = TestEnv.queue()
        let partitions = QueuePartitions([keys.stream: 3])
        let all = partitions.keys(of: keys)
        try await withServer(keys, partitions: partitions) { http, client in
            // Partition i holds i + 1 waiting jobs, one delayed retry and i dead letters.
            for (index, partition) in all.enumerated() {
                try await client.xgroupCreate(partition.stream, group: partition.group)
                for _ in 0...index { _ = try await client.xadd(partition.stream, fields: [("job_data", #"{"type":"canary"}"#)]) }
                try await client.send("ZADD", partition.delayed, "99999999999999", #"["job_data","{\"type\":\"canary\"}","job_id","d\#(index)"]"#)
                for letter in 0..<index {
                    _ = try await client.xadd(partition.dead, fields: [("job_data", #"{"type":"canary"}"#), ("job_id", "dead-\(index)-\(letter)"), ("error", "boom")])
                }
            }
            let stats = try self.json(try await http.execute(uri: "/api/queues/\(keys.stream)", method: .get, headers: self.auth))
            #expect(stats["queue"] as? String == keys.stream)
            #expect(stats["waiting"] as? Int == 6)
            #expect(stats["delayed"] as? Int == 3)
            #expect(stats["dead"] as? Int == 3)
            #expect(stats["group_exists"] as? Bool == true)
            let parts = try #require(stats["partitions"] as? [[String: Any]])
            #expect(parts.map { $0["queue"] as? String } == all.map(\.stream))
            #expect(parts.map { $0["waiting"] as? Int } == [1, 2, 3])
            #expect(parts.map { $0["dead"] as? Int } == [0, 1, 2])
            // The list shows the logical queue once.
            let list = try self.json(try await http.execute(uri: "/api/queues", method: .get, headers: self.auth))
            #expect((list["queues"] as? [[String: Any]])?.count == 1)
            // A partition's own name is not a queue of the API.
            #expect(try await http.execute(uri: "/api/queues/\(all[1].stream)", method: .get, headers: self.auth).status == .notFound)

            let metrics = String(buffer: try await http.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains(#"blueprint_queue_waiting{queue="\#(keys.stream)"} 6"#), "\(metrics)")
            #expect(metrics.contains(#"blueprint_queue_partition_length{queue="\#(keys.stream)",partition="2"} 3"#), "\(metrics)")
            #expect(metrics.contains(#"blueprint_queue_partition_dead{queue="\#(keys.stream)",partition="1"} 1"#))

            // Delayed jobs of every partition, one page.
            let delayed = try self.json(try await http.execute(uri: "/api/queues/\(keys.stream)/delayed", method: .get, headers: self.auth))
            #expect(delayed["total"] as? Int == 3)
            #expect((delayed["delayed"] as? [[String: Any]])?.count == 3)

            // Pending over every partition, tagged.
            _ = try await client.send(RESPCommand("XREADGROUP", ["GROUP", all[2].group, "c1", "COUNT", "1", "STREAMS", all[2].stream, ">"]))
            let pending = try self.json(try await http.execute(uri: "/api/queues/\(keys.stream)/pending", method: .get, headers: self.auth))
            let pendingJobs = try #require(pending["pending"] as? [[String: Any]])
            #expect(pendingJobs.count == 1 && pendingJobs.first?["partition"] as? Int == 2)

            // Job lookup finds a job waiting in partition 1 and names the partition's stream. An
            // explicit ID: the ones XADD handed out above may repeat in another partition.
            let waitingID = "9999999999999-0"
            _ = try await client.send("XADD", all[1].stream, waitingID, "job_data", #"{"type":"canary"}"#)
            let found = try self.json(try await http.execute(uri: "/api/jobs/\(waitingID)", method: .get, headers: self.auth))
            #expect(found["queue"] as? String == all[1].stream)
            let deadFound = try self.json(try await http.execute(uri: "/api/jobs/dead-2-1", method: .get, headers: self.auth))
            #expect(deadFound["queue"] as? String == all[2].stream && deadFound["state"] as? String == "dead")
        }
    }

    @Test func pauseResumeAndDeadLettersCoverEveryPartition() async throws {
        let keys = TestEnv.queue()
        let partitions = QueuePartitions([keys.stream: 3])
        let all = partitions.keys(of: keys)
        try await withServer(keys, partitions: partitions) { http, client in
            #expect(try await http.execute(uri: "/api/queues/\(keys.stream)/pause", method: .post, headers: self.auth).status == .ok)
            for partition in all { #expect(try await client.send("EXISTS", partition.paused).int == 1) }
            let paused = try self.json(try await http.execute(uri: "/api/queues/\(keys.stream)", method: .get, headers: self.auth))
            #expect(paused["paused"] as? Bool == true)
            #expect(try await http.execute(uri: "/api/queues/\(keys.stream)/resume", method: .post, headers: self.auth).status == .ok)
            for partition in all { #expect(try await client.send("EXISTS", partition.paused).int == 0) }

            // Dead letters in partitions 0 and 2, listed oldest first across both, tagged with their
            // partition. Explicit IDs: letters written in turn to two streams can share an ID (in
            // one millisecond), and equal IDs are the next test's subject.
            var ids: [(Int, String)] = []
            for (index, id) in [(0, "1-0"), (2, "2-0"), (0, "3-0"), (2, "4-0")] {
                _ = try await client.send("XADD", all[index].dead, id, "job_data", #"{"type":"canary"}"#, "job_id", "j\(ids.count)", "error", "boom")
                ids.append((index, id))
            }
            let page = try self.json(try await http.execute(uri: "/api/queues/\(keys.stream)/dead?count=3", method: .get, headers: self.auth))
            let dead = try #require(page["dead"] as? [[String: Any]])
            #expect(dead.map { $0["id"] as? String } == ids.prefix(3).map(\.1))
            #expect(dead.map { $0["partition"] as? Int } == [0, 2, 0])
            // The cursor names the partition too: two partitions can hold the same entry ID.
            #expect(page["next_after"] as? String == "\(ids[2].1)@0")
            let rest = try self.json(
                try await http.execute(uri: "/api/queues/\(keys.stream)/dead?count=3&after=\(ids[2].1)@0", method: .get, headers: self.auth))
            #expect((rest["dead"] as? [[String: Any]])?.map { $0["id"] as? String } == [ids[3].1])
            let onlyTwo = try self.json(
                try await http.execute(uri: "/api/queues/\(keys.stream)/dead?partition=2", method: .get, headers: self.auth))
            #expect((onlyTwo["dead"] as? [[String: Any]])?.count == 2)

            // Hostile partition values are refused, never a crash.
            for bad in ["1-0@", "1-0@x", "1-0@-1", "1-0@1@2", "1-0@99999", "@1"] {
                let response = try await http.execute(uri: "/api/queues/\(keys.stream)/dead?after=\(bad)", method: .get, headers: self.auth)
                #expect(response.status == .badRequest, "after=\(bad)")
            }
            for bad in ["-1", "3", "99999999999999999999", "x", "", "1%00"] {
                let response = try await http.execute(uri: "/api/queues/\(keys.stream)/dead?partition=\(bad)", method: .get, headers: self.auth)
                #expect(response.status == .badRequest, "partition=\(bad)")
            }
            let badBody = try await http.execute(
                uri: "/api/queues/\(keys.stream)/dead/replay", method: .post, headers: self.auth,
                body: ByteBuffer(string: #"{"all": true, "partition": 7}"#))
            #expect(badBody.status == .badRequest)

            // Replay one letter of partition 2 only, then every other letter of every partition.
            let one = try self.json(try await http.execute(
                uri: "/api/queues/\(keys.stream)/dead/replay", method: .post, headers: self.auth,
                body: ByteBuffer(string: #"{"ids": ["\#(ids[1].1)"], "partition": 2}"#)))
            #expect(one["replayed"] as? Int == 1)
            #expect(try await client.xlen(all[2].stream) == 1)
            let rest2 = try self.json(try await http.execute(
                uri: "/api/queues/\(keys.stream)/dead/replay", method: .post, headers: self.auth, body: ByteBuffer(string: #"{"all": true}"#)))
            #expect(rest2["replayed"] as? Int == 3)
            #expect(try await client.xlen(all[0].stream) == 2)
            #expect(try await client.xlen(all[2].stream) == 2)
            for partition in all { #expect(try await client.xlen(partition.dead) == 0) }
        }
    }

    @Test func pagesThroughLettersWithEqualIDsInSeveralPartitionsWithoutSkippingOrRepeating() async throws {
        let keys = TestEnv.queue()
        let partitions = QueuePartitions([keys.stream: 3])
        let all = partitions.keys(of: keys)
        try await withServer(keys, partitions: partitions) { http, client in
            // Entry IDs are per stream: the same IDs in all three partitions (as when letters die
            // in the same millisecond), in the order 2, 0, 1 of writing.
            for index in [2, 0, 1] {
                for id in ["5-0", "5-1", "6-0"] {
                    _ = try await client.send("XADD", all[index].dead, id, "job_data", #"{"type":"canary"}"#, "job_id", "p\(index)-\(id)", "error", "boom")
                }
            }
            var seen: [String] = []
            var after: String?
            var pages = 0
            repeat {
                let query = after.map { "&after=\($0)" } ?? ""
                let page = try self.json(try await http.execute(uri: "/api/queues/\(keys.stream)/dead?count=2\(query)", method: .get, headers: self.auth))
                let dead = try #require(page["dead"] as? [[String: Any]])
                seen += dead.map { (($0["fields"] as? [String: String])?["job_id"]) ?? "?" }
                after = page["next_after"] as? String
                pages += 1
            } while after != nil && pages < 10
            // Every letter once, ordered by (ID, partition).
            #expect(seen == ["5-0", "5-1", "6-0"].flatMap { id in (0..<3).map { "p\($0)-\(id)" } })
            // A plain ID still pages after that ID in every partition.
            let plain = try self.json(try await http.execute(uri: "/api/queues/\(keys.stream)/dead?after=5-1", method: .get, headers: self.auth))
            #expect((plain["dead"] as? [[String: Any]])?.map { ($0["fields"] as? [String: String])?["job_id"] } == ["p0-6-0", "p1-6-0", "p2-6-0"])
        }
    }

    @Test func jobLookupNarrowsToOnePartitionWhenTwoHoldTheSameEntryID() async throws {
        let keys = TestEnv.queue()
        let partitions = QueuePartitions([keys.stream: 3])
        let all = partitions.keys(of: keys)
        try await withServer(keys, partitions: partitions) { http, client in
            for partition in all { try await client.xgroupCreate(partition.stream, group: partition.group) }
            // One entry ID, two jobs: partitions 0 and 2 each handed out 7-0.
            for index in [0, 2] {
                _ = try await client.send("XADD", all[index].stream, "7-0", "job_data", #"{"type":"canary"}"#)
            }
            _ = try await client.send("XADD", all[0].stream, "8-0", "job_data", #"{"type":"canary"}"#)
            func lookup(_ query: String) async throws -> TestResponse {
                try await http.execute(uri: "/api/jobs/7-0\(query)", method: .get, headers: self.auth)
            }
            // Unnamed: the first partition that has it.
            #expect(try self.json(try await lookup(""))["queue"] as? String == all[0].stream)
            // Named: that partition only, or every partition of the logical queue.
            #expect(try self.json(try await lookup("?queue=\(all[2].stream)"))["queue"] as? String == all[2].stream)
            #expect(try self.json(try await lookup("?queue=\(keys.stream)"))["queue"] as? String == all[0].stream)
            // The logical name covers every partition, although partition 0's stream has that name.
            _ = try await client.send("XADD", all[2].stream, "9-0", "job_data", #"{"type":"canary"}"#)
            let onlyInTwo = try await http.execute(uri: "/api/jobs/9-0?queue=\(keys.stream)", method: .get, headers: self.auth)
            #expect(try self.json(onlyInTwo)["queue"] as? String == all[2].stream)
            #expect(
                try await http.execute(uri: "/api/jobs/8-0?queue=\(all[2].stream)", method: .get, headers: self.auth).status
                    == .notFound)
            // Unknown or hostile names: a 404 naming the known queues, never a crash.
            for bad in ["nope", "\(keys.stream)~3", "\(keys.stream)~", "%00", String(repeating: "q", count: 5000)] {
                let response = try await lookup("?queue=\(bad)")
                #expect(response.status == .notFound, "queue=\(bad.prefix(20))")
                #expect(String(buffer: response.body).contains("known: \(keys.stream)"))
            }
        }
    }
}
