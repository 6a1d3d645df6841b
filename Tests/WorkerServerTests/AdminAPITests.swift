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

/// The HTTP routes against the real test Redis (REDIS_HOST / REDIS_PORT), each test on its own queue.
@Suite("Admin API, probes and metrics")
struct AdminAPITests {
    static let token = "test-token-0123456789"

    func withServer(
        _ keys: QueueKeys, token: String? = AdminAPITests.token,
        _ body: @Sendable @escaping (any TestClientProtocol, RedisClient) async throws -> Void
    ) async throws {
        try await withTestClient { client in
            var settings = ServerSettings()
            settings.adminToken = token
            let server = WorkerHTTPServer(
                settings: settings, inspector: QueueInspector(queues: [keys], client: client),
                readiness: ReadinessCheck(client: client, queues: [keys]), directory: WorkerDirectory(client: client),
                registry: PrometheusCollectorRegistry(),
                breakers: { [BreakerState(name: "smtp", state: "open", failures: 5)] }, logger: TestEnv.logger)
            let app = Application(router: server.buildRouter())
            try await app.test(.router) { testClient in try await body(testClient, client) }
        }
    }

    var auth: HTTPFields { [.authorization: "Bearer \(Self.token)"] }

    func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    @Test func adminRoutesNeedTheBearerToken() async throws {
        let keys = TestEnv.queue()
        try await withServer(keys) { http, _ in
            let none = try await http.execute(uri: "/api/queues", method: .get)
            #expect(none.status == .unauthorized)
            let wrong = try await http.execute(
                uri: "/api/queues", method: .get, headers: [.authorization: "Bearer test-token-0123456780"])
            #expect(wrong.status == .unauthorized)
            let basic = try await http.execute(
                uri: "/api/queues", method: .get, headers: [.authorization: "Basic \(Self.token)"])
            #expect(basic.status == .unauthorized)
            let right = try await http.execute(uri: "/api/queues", method: .get, headers: self.auth)
            #expect(right.status == .ok)
            // Probes, metrics and the dashboard page itself are open.
            #expect(try await http.execute(uri: "/healthz", method: .get).status == .ok)
            #expect(try await http.execute(uri: "/metrics", method: .get).status == .ok)
            #expect(try await http.execute(uri: "/", method: .get).status == .ok)
        }
    }

    @Test func withoutAConfiguredTokenEverythingIsRefused() async throws {
        let keys = TestEnv.queue()
        try await withServer(keys, token: nil) { http, _ in
            let response = try await http.execute(
                uri: "/api/queues", method: .get, headers: [.authorization: "Bearer "])
            #expect(response.status == .forbidden)
            #expect(String(buffer: response.body).contains("BLUEPRINT_ADMIN_TOKEN"))
        }
    }

    @Test func queueStatsPauseResumeAndReadiness() async throws {
        let keys = TestEnv.queue()
        try await withServer(keys) { http, client in
            #expect(try await http.execute(uri: "/readyz", method: .get).status == .serviceUnavailable)
            try await client.xgroupCreate(keys.stream, group: keys.group)
            #expect(try await http.execute(uri: "/readyz", method: .get).status == .ok)
            for _ in 0..<3 { _ = try await client.xadd(keys.stream, fields: [("job_data", #"{"type":"canary"}"#)]) }
            // One delivered, not acknowledged: pending 1, waiting 2.
            _ = try await client.send(
                RESPCommand("XREADGROUP", ["GROUP", keys.group, "c1", "COUNT", "1", "STREAMS", keys.stream, ">"]))
            _ = try await client.zadd(keys.delayed, members: [(score: 1, member: "x")])

            let stats = try json(
                try await http.execute(uri: "/api/queues/\(keys.stream)", method: .get, headers: self.auth))
            #expect(stats["length"] as? Int == 3)
            #expect(stats["pending"] as? Int == 1)
            #expect(stats["waiting"] as? Int == 2)
            #expect(stats["delayed"] as? Int == 1)
            #expect(stats["dead"] as? Int == 0)
            #expect((stats["consumers"] as? [[String: Any]])?.first?["name"] as? String == "c1")
            #expect(stats["oldest_waiting_age_seconds"] is Double)

            let pending = try json(
                try await http.execute(uri: "/api/queues/\(keys.stream)/pending", method: .get, headers: self.auth))
            #expect((pending["pending"] as? [[String: Any]])?.count == 1)

            #expect(
                try await http.execute(uri: "/api/queues/\(keys.stream)/pause", method: .post, headers: self.auth)
                    .status == .ok)
            #expect(try await client.send(RESPCommand("EXISTS", [keys.paused])).int == 1)
            #expect(
                try await http.execute(uri: "/api/queues/\(keys.stream)/resume", method: .post, headers: self.auth)
                    .status == .ok)
            #expect(try await client.send(RESPCommand("EXISTS", [keys.paused])).int == 0)

            let unknown = try await http.execute(
                uri: "/api/queues/other_queue/pause", method: .post, headers: self.auth)
            #expect(unknown.status == .notFound)

            let metrics = String(buffer: try await http.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains(#"blueprint_queue_pending{queue="\#(keys.stream)"} 1"#))
            #expect(metrics.contains(#"blueprint_queue_waiting{queue="\#(keys.stream)"} 2"#))
            #expect(metrics.contains(#"blueprint_circuit_breaker_state{dependency="smtp"} 2"#))
            #expect(metrics.contains("blueprint_redis_up 1"))
        }
    }

    @Test func deadLettersArePagedReplayedAndPurged() async throws {
        let keys = TestEnv.queue()
        try await withServer(keys) { http, client in
            var ids: [String] = []
            for i in 0..<5 {
                ids.append(
                    try await client.xadd(
                        keys.dead,
                        fields: [
                            ("job_data", #"{"type":"canary","n":\#(i)}"#), ("error", "boom \(i)"), ("attempts", "3"),
                            ("job_id", "j\(i)"),
                        ]))
            }
            let first = try json(
                try await http.execute(uri: "/api/queues/\(keys.stream)/dead?count=2", method: .get, headers: self.auth)
            )
            #expect((first["dead"] as? [[String: Any]])?.count == 2)
            let next = try #require(first["next_after"] as? String)
            #expect(next == ids[1])
            let second = try json(
                try await http.execute(
                    uri: "/api/queues/\(keys.stream)/dead?count=2&after=\(next)", method: .get, headers: self.auth))
            #expect(((second["dead"] as? [[String: Any]])?.first?["id"] as? String) == ids[2])

            let bad = try await http.execute(
                uri: "/api/queues/\(keys.stream)/dead/replay", method: .post, headers: self.auth,
                body: ByteBuffer(string: #"{"ids": ["nope"]}"#))
            #expect(bad.status == .badRequest)
            let replay = try await http.execute(
                uri: "/api/queues/\(keys.stream)/dead/replay", method: .post, headers: self.auth,
                body: ByteBuffer(string: #"{"ids": ["\#(ids[0])"]}"#))
            #expect(try json(replay)["replayed"] as? Int == 1)
            #expect(try await client.xlen(keys.stream) == 1)
            let purge = try await http.execute(
                uri: "/api/queues/\(keys.stream)/dead/purge", method: .post, headers: self.auth,
                body: ByteBuffer(string: #"{"all": true}"#))
            #expect(try json(purge)["purged"] as? Int == 4)
            #expect(try await client.xlen(keys.dead) == 0)
        }
    }

    @Test func heartbeatsListLiveWorkers() async throws {
        try await withTestClient { client in
            let directory = WorkerDirectory(client: client)
            let id = "w-\(UUID().uuidString.prefix(8))"
            let now = directory.now()
            try await directory.beat(
                WorkerInfo(
                    id: id, host: "h", pid: 1, queues: ["email_queue"], startedAt: now, lastSeen: now,
                    running: ["email_queue": 2], http: "127.0.0.1:8080"))
            #expect(try await directory.live().contains { $0.id == id && $0.running["email_queue"] == 2 })
            try await directory.remove(id)
            #expect(try await !directory.live().contains { $0.id == id })
        }
    }
}
