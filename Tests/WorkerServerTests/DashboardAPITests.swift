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

/// `/api/queues/{q}/stats`, `/api/queues/{q}/delayed` and `/api/jobs/{id}` against the real test Redis.
@Suite("Dashboard API: stats, delayed, job lookup")
struct DashboardAPITests {
    static let token = "test-token-0123456789"
    /// A fixed "now": 2026-11-27 12:00:30 UTC, minute 29_402_880.
    static let now: Int64 = 1_764_244_830_000
    static var minute: Int64 { JobStatsSchema.minute(ofMilliseconds: now) }
    var auth: HTTPFields { [.authorization: "Bearer \(Self.token)"] }

    func withServer(
        _ queues: [QueueKeys], _ body: @Sendable @escaping (any TestClientProtocol, RedisClient) async throws -> Void
    ) async throws {
        try await withTestClient { client in
            var settings = ServerSettings()
            settings.adminToken = Self.token
            var server = WorkerHTTPServer(
                settings: settings, inspector: QueueInspector(queues: queues, client: client, now: { Self.now }),
                readiness: ReadinessCheck(client: client, queues: queues), directory: WorkerDirectory(client: client),
                registry: PrometheusCollectorRegistry(), logger: TestEnv.logger)
            // A lookup scans every lane of every queue: on a loaded machine (2 cores, the whole
            // suite at once) that may pass the 3 s production deadline; these tests are not about it.
            server.redisTimeout = .seconds(30)
            let app = Application(router: server.buildRouter())
            do {
                try await app.test(.router) { testClient in try await body(testClient, client) }
            } catch {
                for keys in queues { try await Self.cleanup(client, keys) }
                throw error
            }
            for keys in queues { try await Self.cleanup(client, keys) }
        }
    }

    static func cleanup(_ client: RedisClient, _ keys: QueueKeys) async throws {
        for pattern in ["{\(keys.stream)}:*", keys.stream] {
            let found = try await scanKeys(client, pattern)
            if !found.isEmpty { try await client.send(RESPCommand("DEL", found)) }
        }
    }

    func get(_ http: any TestClientProtocol, _ uri: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        let response = try await http.execute(uri: uri, method: .get, headers: self.auth)
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
        return (response.status, object)
    }

    // MARK: stats

    @Test func statsSeriesReadsTheMinuteHashes() async throws {
        let keys = TestEnv.queue()
        try await withServer([keys]) { http, client in
            try await client.send(RESPCommand("HSET", [
                keys.stats(minute: Self.minute - 1), "succeeded", "30", "dead", "2", "retried", "5",
                "wait:100", "30", "run:20", "37", "junk", "x", "wait:7", "9",
            ]))
            try await client.send(RESPCommand("HSET", [keys.stats(minute: Self.minute), "succeeded", "4", "wait:inf", "4"]))
            try await client.send(RESPCommand("HSET", [keys.stats(minute: Self.minute - 10), "succeeded", "999"]))  // outside 5 min
            let (status, body) = try await self.get(http, "/api/queues/\(keys.stream)/stats?minutes=5")
            #expect(status == .ok)
            let minutes = try #require(body["minutes"] as? [[String: Any]])
            #expect(minutes.count == 5)
            #expect(minutes.map { $0["at"] as? Int64 } == (0..<5).map { (Self.minute - 4 + Int64($0)) * 60_000 })
            #expect(minutes.map { $0["succeeded"] as? Int } == [0, 0, 0, 30, 4])
            #expect(minutes.map { $0["dead"] as? Int } == [0, 0, 0, 2, 0])
            #expect(minutes.map { $0["retried"] as? Int } == [0, 0, 0, 5, 0])
            let totals = try #require(body["totals"] as? [String: Int])
            #expect(totals["succeeded"] == 34 && totals["dead"] == 2 && totals["retried"] == 5)
            let wait = try #require(body["wait"] as? [String: Any])
            #expect(wait["count"] as? Int == 34)
            let waitP50: Double = 78.3  // 50 + 50 * 17 / 30, rounded to 0.1 ms
            #expect(wait["p50"] as? Double == waitP50)
            #expect(wait["p99"] as? Double == 3_600_000)
            let run = try #require(body["run"] as? [String: Any])
            let runP50: Double = 15.1  // 10 + 10 * 19 / 37
            #expect(run["p50"] as? Double == runP50)
            // Default window: an hour.
            let (_, hour) = try await self.get(http, "/api/queues/\(keys.stream)/stats")
            #expect((hour["minutes"] as? [Any])?.count == 60)
            #expect((hour["totals"] as? [String: Int])?["succeeded"] == 1033)
        }
    }

    @Test func statsRefusesBadWindowsAndUnknownQueues() async throws {
        let keys = TestEnv.queue()
        try await withServer([keys]) { http, _ in
            for bad in ["0", "121", "-1", "abc", "1e2", "99999999999999999999", "", "%00"] {
                let response = try await http.execute(uri: "/api/queues/\(keys.stream)/stats?minutes=\(bad)", method: .get, headers: self.auth)
                #expect(response.status == .badRequest, "\(bad)")
                #expect(String(buffer: response.body).contains("minutes must be 1...120"))
            }
            #expect(try await self.get(http, "/api/queues/nope/stats").0 == .notFound)
            #expect(try await http.execute(uri: "/api/queues/\(keys.stream)/stats", method: .get).status == .unauthorized)
        }
    }

    @Test func aCorruptStatsKeyIsAClearErrorNotACrash() async throws {
        let keys = TestEnv.queue()
        try await withServer([keys]) { http, client in
            try await client.send(RESPCommand("SET", [keys.stats(minute: Self.minute), "not a hash"]))
            let (status, body) = try await self.get(http, "/api/queues/\(keys.stream)/stats?minutes=2")
            #expect(status == .internalServerError)
            #expect((body["error"] as? String)?.contains("WRONGTYPE") == true)
        }
    }

    // MARK: delayed

    @Test func delayedListsSoonestFirstWithTotal() async throws {
        let keys = TestEnv.queue()
        try await withServer([keys]) { http, client in
            try await client.send(RESPCommand("ZADD", [
                keys.delayed,
                "1764244900000", #"["job_data","{\"type\":\"send_sms\"}","job_id","late","attempt","2","last_error","timeout"]"#,
                "1764244850000", #"["job_data","{\"type\":\"send_email\"}","job_id","soon","attempt","3"]"#,
                "1764244870000", "garbage member",
            ]))
            let (status, body) = try await self.get(http, "/api/queues/\(keys.stream)/delayed?limit=2")
            #expect(status == .ok)
            #expect(body["total"] as? Int == 3)
            let items = try #require(body["delayed"] as? [[String: Any]])
            #expect(items.count == 2)
            #expect(items[0]["job_id"] as? String == "soon")
            #expect(items[0]["type"] as? String == "send_email")
            #expect(items[0]["attempt"] as? Int == 3)
            #expect(items[0]["due_at"] as? Int64 == 1_764_244_850_000)
            #expect(items[1]["job_id"] == nil, "the garbage member is listed without fields")
            let (_, all) = try await self.get(http, "/api/queues/\(keys.stream)/delayed")
            #expect((all["delayed"] as? [[String: Any]])?.last?["last_error"] as? String == "timeout")
            for bad in ["0", "1001", "x"] {
                #expect(try await self.get(http, "/api/queues/\(keys.stream)/delayed?limit=\(bad)").0 == .badRequest)
            }
        }
    }

    // MARK: job lookup

    @Test func lookupFindsEachState() async throws {
        let first = TestEnv.queue()
        let keys = TestEnv.queue()
        try await withServer([first, keys]) { http, client in
            try await client.xgroupCreate(keys.stream, group: keys.group)
            try await client.xgroupCreate(first.stream, group: first.group)
            // waiting: the default job ID is the entry ID
            let waiting = try await client.xadd(keys.stream, fields: [("job_data", #"{"type":"send_email"}"#)])
            // running: delivered to worker-7, not acknowledged; its job ID is a job_id field (found by a scan)
            _ = try await client.xadd(keys.stream, fields: [("job_data", #"{"type":"ocr"}"#), ("job_id", "run-1"), ("attempt", "2")])
            // The first is read by worker-7 too: read both, then the lookup tells them apart by XPENDING.
            _ = try await client.send(RESPCommand("XREADGROUP", ["GROUP", keys.group, "worker-7", "COUNT", "2", "STREAMS", keys.stream, ">"]))
            let stillWaiting = try await client.xadd(keys.stream, fields: [("job_data", #"{"type":"send_sms"}"#), ("idempotency_key", "idem-9")])
            // delayed
            try await client.send(RESPCommand("ZADD", [
                keys.delayed, "1764244900000",
                #"["job_data","{\"type\":\"send_sms\"}","job_id","del-1","attempt","2","last_error","smtp 421"]"#,
            ]))
            // done (index + results entry), rejected, dead (index) and dead (dead stream only, no index)
            let rid = try await client.xadd(keys.results, fields: [
                ("job_id", "done-1"), ("type", "send_email"), ("status", "succeeded"), ("attempts", "1"), ("duration_ms", "12"),
                ("result", "{\"ok\":true}"),
            ])
            try await client.send(RESPCommand("SET", [keys.jobIndex(jobID: "done-1"), "succeeded \(rid)"]))
            let deadRID = try await client.xadd(keys.results, fields: [
                ("job_id", "dead-1"), ("type", "send_email"), ("status", "dead"), ("attempts", "4"), ("error", "mailbox unavailable"),
            ])
            try await client.send(RESPCommand("SET", [keys.jobIndex(jobID: "dead-1"), "dead \(deadRID)"]))
            _ = try await client.xadd(keys.dead, fields: [
                ("job_data", #"{"type":"ocr"}"#), ("job_id", "old-dead"), ("error", "bad image"), ("attempts", "1"),
                ("worker", "w-2"), ("failed_at", "1764244000000"),
            ])
            // An outcome without an index entry (written before the index existed): found by the results scan.
            let oldRID = try await client.xadd(keys.results, fields: [
                ("job_id", "unindexed"), ("type", "ocr"), ("status", "rejected"), ("attempts", "1"), ("error", "policy: too big"),
            ])
            // Index says succeeded but the results entry was trimmed away: the outcome is still known.
            try await client.send(RESPCommand("SET", [keys.jobIndex(jobID: "trimmed"), "succeeded 1-0"]))

            func lookup(_ id: String) async throws -> [String: Any] {
                let (status, body) = try await self.get(http, "/api/jobs/\(id)")
                #expect(status == .ok, "\(id): \(body)")
                return body
            }
            let w = try await lookup(waiting)
            #expect(w["state"] as? String == "running" || w["state"] as? String == "waiting")
            #expect(w["queue"] as? String == keys.stream)
            #expect(w["state"] as? String == "running", "read by worker-7 above")
            let r = try await lookup("run-1")
            #expect(r["state"] as? String == "running")
            #expect(r["worker"] as? String == "worker-7")
            #expect(r["type"] as? String == "ocr")
            #expect(r["attempt"] as? Int == 2)
            #expect(r["deliveries"] as? Int == 1)
            let s = try await lookup(stillWaiting)
            #expect(s["state"] as? String == "waiting", "not delivered yet; found by its entry ID too")
            #expect(s["job_id"] as? String == "idem-9")
            #expect(try await lookup("idem-9")["entry_id"] as? String == stillWaiting, "an idempotency key is a job ID")
            let d = try await lookup("del-1")
            #expect(d["state"] as? String == "delayed")
            #expect(d["due_at"] as? Int64 == 1_764_244_900_000)
            #expect(d["error"] as? String == "smtp 421")
            let done = try await lookup("done-1")
            #expect(done["state"] as? String == "succeeded")
            #expect(done["results_entry_id"] as? String == rid)
            #expect(done["duration_ms"] as? Int == 12)
            #expect(done["result_bytes"] as? Int == 11)
            #expect(done["result"] == nil, "the result body is never returned")
            let dead = try await lookup("dead-1")
            #expect(dead["state"] as? String == "dead")
            #expect(dead["error"] as? String == "mailbox unavailable")
            #expect(dead["attempt"] as? Int == 4)
            let old = try await lookup("old-dead")
            #expect(old["state"] as? String == "dead")
            #expect(old["error"] as? String == "bad image")
            #expect(old["worker"] as? String == "w-2")
            let unindexed = try await lookup("unindexed")
            #expect(unindexed["state"] as? String == "rejected")
            #expect(unindexed["results_entry_id"] as? String == oldRID)
            #expect(unindexed["error"] as? String == "policy: too big")
            let trimmed = try await lookup("trimmed")
            #expect(trimmed["state"] as? String == "succeeded")
            #expect(trimmed["type"] == nil)

            // A dead job that was replayed and now waits again: its current place wins over the old outcome.
            _ = try await client.xadd(keys.stream, fields: [("job_data", #"{"type":"send_email"}"#), ("job_id", "dead-1")])
            #expect(try await lookup("dead-1")["state"] as? String == "waiting")
        }
    }

    @Test func unknownAndHostileIDs() async throws {
        let keys = TestEnv.queue()
        try await withServer([keys]) { http, client in
            _ = try await client.xadd(keys.stream, fields: [("job_data", "x"), ("job_id", "a*")])
            for id in ["nobody", "1700000000000-0", "*", "%2A%3F%5B", "__proto__", String(repeating: "z", count: 256), "%E2%9C%93", "a%2Fb", "%5C%22"] {
                let (status, body) = try await self.get(http, "/api/jobs/\(id)")
                #expect(status == .notFound, "\(id)")
                #expect((body["error"] as? String)?.hasPrefix("no job with this ID") == true)
            }
            for id in [String(repeating: "z", count: 257), "a%20b", "%00", "a%0Ab", "%7F", "%C2%85", "%ZZ", "%"] {
                let (status, _) = try await self.get(http, "/api/jobs/\(id)")
                #expect(status == .badRequest, "\(id)")
            }
            #expect(try await http.execute(uri: "/api/jobs/nobody", method: .get).status == .unauthorized)
        }
    }

    @Test func lookupFindsJobsOnTheirLaneStreams() async throws {
        let keys = TestEnv.queue()
        try await withTestClient { client in
            try await client.xgroupCreate(keys.bulk, group: keys.group)
            let critical = try await client.xadd(keys.critical, fields: [("job_data", #"{"type":"send_sms_code"}"#), ("priority", "critical")])
            _ = try await client.xadd(keys.bulk, fields: [("job_data", #"{"type":"send_email"}"#), ("job_id", "bulk-1")])
            _ = try await client.send(RESPCommand("XREADGROUP", ["GROUP", keys.group, "worker-3", "COUNT", "1", "STREAMS", keys.bulk, ">"]))
            let locator = JobLocator(inspector: QueueInspector(queues: [keys], client: client))
            let waiting = try await locator.locate(critical)
            #expect(waiting?.state == "waiting")
            #expect(waiting?.lane == "critical")
            #expect(waiting?.type == "send_sms_code")
            let running = try await locator.locate("bulk-1")
            #expect(running?.state == "running")
            #expect(running?.lane == "bulk")
            #expect(running?.worker == "worker-3")
            _ = try await client.send(RESPCommand("DEL", [keys.critical, keys.bulk]))
            try await Self.cleanup(client, keys)
        }
    }

    @Test func lookupScansAreBounded() async throws {
        let keys = TestEnv.queue()
        try await withTestClient { client in
            for i in 0..<30 {
                _ = try await client.xadd(keys.stream, fields: [("job_data", "{}"), ("job_id", "j\(i)")])
            }
            var locator = JobLocator(inspector: QueueInspector(queues: [keys], client: client))
            locator.scanLimit = 20
            locator.pageSize = 7
            #expect(try await locator.locate("j19")?.state == "waiting")
            #expect(try await locator.locate("j25") == nil, "beyond the scan limit")
            locator.scanLimit = 100
            #expect(try await locator.locate("j29")?.state == "waiting")
            try await Self.cleanup(client, keys)
        }
    }

    /// Without the index (the default), a finished job whose ID is its entry ID is found in the
    /// results however many outcomes came after it: the scan starts at its enqueue time.
    @Test func withoutTheIndexAnEntryIDJobIsFoundFromItsEnqueueTime() async throws {
        let keys = TestEnv.queue()
        try await withTestClient { client in
            // The job was enqueued (its entry ID) a second before its outcome was written.
            let outcome = try await client.xadd(keys.results, fields: [
                ("job_id", "placeholder"), ("type", "send_email"), ("status", "dead"), ("attempts", "1"),
            ])
            let enqueuedAt = try #require(JobStatsSchema.milliseconds(ofEntryID: outcome)) - 1000
            let jobID = "\(enqueuedAt)-3"
            _ = try await client.send(RESPCommand("DEL", [keys.results]))
            let rid = try await client.xadd(keys.results, fields: [
                ("job_id", jobID), ("type", "send_email"), ("status", "succeeded"), ("attempts", "2"), ("duration_ms", "7"),
            ])
            let later = (0..<300).map { i in
                RESPCommand("XADD", [keys.results, "*", "job_id", "later-\(i)", "type", "send_email", "status", "succeeded"])
            }
            _ = try await client.pipeline(later)
            var locator = JobLocator(inspector: QueueInspector(queues: [keys], client: client))
            locator.scanLimit = 100
            locator.pageSize = 40
            let found = try #require(try await locator.locate(jobID))
            #expect(found.state == "succeeded")
            #expect(found.resultsEntryID == rid)
            #expect(found.attempt == 2)
            // A custom ID has no time: only the newest `scanLimit` outcomes are searched.
            #expect(try await locator.locate("later-299")?.state == "succeeded")
            #expect(try await locator.locate("later-10") == nil, "beyond the scan limit")
            try await Self.cleanup(client, keys)
        }
    }
}
