import DNSClient
import Foundation
import JobEngine
import Logging
import RedisClient
import TestSupport
import Testing

@testable import Verification

/// `verify_company_domain` end to end: Redis Streams -> engine -> handler -> dnsmasq -> result.
@Suite(
    "verify_company_domain through the engine",
    .enabled(
        if: TestServers.shouldRun(TestDNS.resolver != nil && ProcessInfo.processInfo.environment["REDIS_PORT"] != nil),
        "needs redis-server and dnsmasq of scripts/test.sh"),
    .timeLimit(.minutes(1))
)
struct DomainJobEngineTests {
    static let logger: Logger = {
        var logger = Logger(label: "verification-test")
        logger.logLevel = .critical
        return logger
    }()

    @Test func resultsDeadLettersAndTransientFailures() async throws {
        guard let setting = TestDNS.resolver, let server = DNSServerAddress(setting: setting) else {
            throw TestFailure("DNS_TEST_RESOLVER is not set")
        }
        // A generous try: dnsmasq answers at once, and a loaded machine must not turn that into a
        // timeout (which would make "refused" end with a timeout instead of REFUSED).
        var service = DomainVerificationService(resolver: DNSResolver(server: server, timeout: .seconds(10), retries: 0))
        service.retryPolicy = RetryPolicy(
            maximumRetries: 1, baseDelay: .milliseconds(50), maximumDelay: .milliseconds(100))
        let queue = "t_verify_domain_\(UUID().uuidString.prefix(8).lowercased())"
        let keys = QueueKeys(queue: queue, group: "g")
        var registry = JobRegistry()
        service.register(in: &registry, queues: [queue])
        let zone = TestDNS.zone
        try await withClient { client in
            try await withCleanup {
                try await Self.withEngine(queue: queue, registry: registry, client: client) {
                    let producer = JobProducer(client: client)
                    let jobs: [(String, String)] = [
                        (
                            "proved",
                            #"{"type":"verify_company_domain","email":"kim@\#(zone)","company_name":"Example Corp","token":"\#(TestDNS.token)"}"#
                        ),
                        ("noproof", #"{"type":"verify_company_domain","domain":"\#(zone)","token":"other"}"#),
                        ("plain", #"{"type":"verify_company_domain","domain":"aonly.\#(zone)"}"#),
                        ("nx", #"{"type":"verify_company_domain","domain":"missing.\#(zone)"}"#),
                        ("free", #"{"type":"verify_company_domain","email":"someone@gmail.com"}"#),
                        ("bad", #"{"type":"verify_company_domain","domain":"not a domain"}"#),
                        ("nothing", #"{"type":"verify_company_domain"}"#),
                        ("refused", #"{"type":"verify_company_domain","domain":"outside.invalid"}"#),
                    ]
                    for (key, job) in jobs {
                        _ = try await producer.enqueue(
                            queue: queue, jobData: job, options: .init(idempotencyKey: "\(key)-\(queue)"))
                    }
                    try await waitUntil("all outcomes", timeout: .seconds(45)) {
                        try await Self.outcomes(client, keys: keys).count == jobs.count
                    }
                    let outcomes = try await Self.outcomes(client, keys: keys)
                    func outcome(_ key: String) -> [String: String] { outcomes["\(key)-\(queue)"] ?? [:] }
                    func result(_ key: String) throws -> [String: Any] {
                        let text = try #require(outcome(key)["result"])
                        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
                    }
                    #expect(outcome("proved")["status"] == "succeeded")
                    #expect(try result("proved")["verdict"] as? String == "verified")
                    #expect(try result("proved")["txt_proof"] as? Bool == true)
                    #expect(try result("proved")["mx"] as? [String] == ["mail.\(zone)", "mail2.\(zone)"])
                    #expect(try result("noproof")["verdict"] as? String == "unverified")
                    #expect(try result("plain")["txt_proof"] is NSNull)
                    #expect(try result("plain")["verdict"] as? String == "verified")
                    #expect(try result("nx")["verdict"] as? String == "rejected")
                    #expect(try result("free")["free_mail"] as? Bool == true)
                    #expect(outcome("bad")["status"] == "dead")
                    #expect(outcome("bad")["error"]?.contains("argument 'domain' is invalid") == true)
                    #expect(outcome("nothing")["status"] == "dead")
                    // REFUSED is transient: retried once, then dead after the retries.
                    #expect(outcome("refused")["status"] == "dead")
                    #expect(outcome("refused")["attempts"] == "2")
                    #expect(outcome("refused")["error"]?.contains("REFUSED") == true)
                }
            } cleanup: {
                _ = try? await client.send(
                    "DEL", keys.stream, keys.delayed, keys.dead, keys.results, keys.idempotency, keys.idempotencyIndex,
                    keys.paused)
            }
        }
    }

    static func outcomes(_ client: RedisClient, keys: QueueKeys) async throws -> [String: [String: String]] {
        var result: [String: [String: String]] = [:]
        for entry in try await client.xrange(keys.results) { result[entry.fields["job_id"] ?? entry.id] = entry.fields }
        return result
    }

    /// An engine on one private queue, run in a task group and stopped when `body` returns.
    static func withEngine(queue: String, registry: JobRegistry, client: RedisClient, _ body: () async throws -> Void)
        async throws
    {
        var configuration = EngineConfiguration(
            workerID: "w-\(UUID().uuidString.prefix(6))",
            queues: [QueueConfiguration(keys: QueueKeys(queue: queue, group: "g"), concurrency: 4)])
        configuration.blockTime = .milliseconds(100)
        // One worker, nothing to reclaim: a long idle time so that a heartbeat delayed by a loaded
        // machine never hands a running job out again (a second attempt).
        configuration.minIdle = .seconds(20)
        configuration.heartbeatInterval = .milliseconds(300)
        configuration.reclaimInterval = .milliseconds(200)
        configuration.schedulerInterval = .milliseconds(20)
        configuration.shutdownGracePeriod = .seconds(5)
        let engine = JobEngine(configuration: configuration, registry: registry, client: client, logger: Self.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await engine.run() }
            do {
                try await body()
            } catch {
                engine.stop()
                throw error
            }
            engine.stop()
            try await group.waitForAll()
        }
    }
}
