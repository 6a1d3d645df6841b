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

/// `GET /api/periodic` and the dashboard's Scheduled section, against the real test Redis.
@Suite("Admin API: periodic jobs")
struct PeriodicAPITests {
    static let token = "test-token-0123456789"

    @Test func periodicEndpointListsJobsWithNextRunAndDelayedCounts() async throws {
        let keys = TestEnv.queue()
        try await withTestClient { client in
            let job = PeriodicJob(
                name: "nightly", schedule: try CronExpression(parsing: "0 3 * * *"),
                timeZone: TimeZone(identifier: "Asia/Seoul")!,
                queue: keys.stream, jobData: #"{"type":"canary"}"#, type: "canary", missedTicks: .catchUp(limit: 4))
            let now: Int64 = 1_795_000_000_000  // 2026-11-18T20:06:40+09:00
            let scheduler = PeriodicScheduler(jobs: [job], client: client, now: { now }, logger: TestEnv.logger)
            _ = try await client.send(RESPCommand("SET", [job.lastTickKey, String(now)]))
            _ = try await client.zadd(keys.delayed, members: [(score: 1, member: "a"), (score: 2, member: "b")])
            var settings = ServerSettings()
            settings.adminToken = Self.token
            var server = WorkerHTTPServer(
                settings: settings, inspector: QueueInspector(queues: [keys], client: client, now: { now }),
                readiness: ReadinessCheck(client: client, queues: [keys]), directory: WorkerDirectory(client: client),
                registry: PrometheusCollectorRegistry(), logger: TestEnv.logger)
            server.periodic = { try await scheduler.status() }
            let app = Application(router: server.buildRouter())
            try await withCleanup(
                {
                    try await app.test(.router) { http in
                        #expect(try await http.execute(uri: "/api/periodic", method: .get).status == .unauthorized)
                        let response = try await http.execute(
                            uri: "/api/periodic", method: .get, headers: [.authorization: "Bearer \(Self.token)"])
                        #expect(response.status == .ok)
                        let body = try #require(
                            JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                        let entries = try #require(body["periodic"] as? [[String: Any]])
                        #expect(entries.count == 1)
                        let entry = entries[0]
                        #expect(entry["name"] as? String == "nightly")
                        #expect(entry["cron"] as? String == "0 3 * * *")
                        #expect(entry["time_zone"] as? String == "Asia/Seoul")
                        #expect(entry["queue"] as? String == keys.stream)
                        #expect(entry["type"] as? String == "canary")
                        #expect(entry["missed"] as? String == "catch_up")
                        #expect(entry["catch_up_max"] as? Int == 4)
                        #expect(entry["next_run_local"] as? String == "2026-11-19T03:00:00+09:00")
                        #expect((entry["next_run"] as? NSNumber)?.int64Value == 1_795_024_800_000)
                        #expect((entry["last_tick"] as? NSNumber)?.int64Value == now)
                        #expect(body["delayed"] as? [String: Int] == [keys.stream: 2])
                        #expect((body["time"] as? NSNumber)?.int64Value == now)

                        let page = try await http.execute(uri: "/", method: .get)
                        #expect(String(buffer: page.body).contains("id=\"periodic\""))
                        let script = try await http.execute(uri: "/dashboard-scheduled.js", method: .get)
                        #expect(script.status == .ok)
                        #expect(String(buffer: script.body).contains("/api/periodic"))
                        #expect(!String(buffer: script.body).contains("innerHTML"))
                    }
                },
                cleanup: {
                    _ = try? await client.send(RESPCommand("DEL", [keys.delayed, job.lastTickKey]))
                })
        }
    }

    @Test func noPeriodicJobsIsAnEmptyList() async throws {
        let keys = TestEnv.queue()
        try await withTestClient { client in
            var settings = ServerSettings()
            settings.adminToken = Self.token
            let server = WorkerHTTPServer(
                settings: settings, inspector: QueueInspector(queues: [keys], client: client),
                readiness: ReadinessCheck(client: client, queues: [keys]), directory: WorkerDirectory(client: client),
                registry: PrometheusCollectorRegistry(), logger: TestEnv.logger)
            let app = Application(router: server.buildRouter())
            try await app.test(.router) { http in
                let response = try await http.execute(
                    uri: "/api/periodic", method: .get, headers: [.authorization: "Bearer \(Self.token)"])
                let body = try #require(
                    JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                #expect((body["periodic"] as? [Any])?.isEmpty == true)
                #expect(body["delayed"] as? [String: Int] == [keys.stream: 0])
            }
        }
    }
}
