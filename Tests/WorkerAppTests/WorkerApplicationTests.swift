import Foundation
import JobEngine
import Logging
import Observability
import RESP
import RedisClient
import ServiceLifecycle
import SettingsModel
import TestSupport
import Testing

@testable import WorkerApp

/// The wiring of `blueprint serve`, run in-process against the real redis-server of `make test`.
///
/// The tests use their own Redis database (SELECT 9), whose queue keys are deleted first, so the
/// standard queue names (`email_queue`...) can be used without touching other suites' keys.
@Suite("WorkerApplication wiring against a real redis-server", .serialized)
struct WorkerApplicationTests {
    static var host: String { TestRedis.host }
    static var port: Int { TestRedis.port }

    static let logger: Logger = {
        var logger = Logger(label: "app-test")
        logger.logLevel = ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .critical
        return logger
    }()

    func environment(database: Int, directory: String, extra: [String: String] = [:]) -> [String: String] {
        [
            "REDIS_URL": "redis://\(Self.host):\(Self.port)/\(database)",
            "SMTP_URL": "outbox://\(directory)/mail",
            "SMS_PROVIDER": "outbox",
            "SMS_OUTBOX_DIR": "\(directory)/sms",
            "BLUEPRINT_HTTP_PORT": "0",
            "BLUEPRINT_BLOCK_MS": "100",
            "BLUEPRINT_SCHEDULER_MS": "20",
            "BLUEPRINT_SHUTDOWN_GRACE_MS": "2000",
            "BLUEPRINT_WORKER_ID": "app-test-\(UUID().uuidString.prefix(6))",
        ].merging(extra) { $1 }
    }

    /// Runs the application's services while `body` runs, then shuts them down gracefully.
    func withWorker(
        _ environment: [String: String], _ body: @escaping @Sendable (RedisClient, _ breakerNames: [String]) async throws -> Void
    ) async throws {
        let configured = try await ConfiguredSettings.load(environment: environment)
        let application = WorkerApplication(configured: configured, redactor: PIIRedactor(), logger: Self.logger)
        let built = try application.makeServices()
        let group = ServiceGroup(configuration: .init(services: built.services, logger: Self.logger))
        let client = RedisClient(configuration: configured.core.redis, logger: Self.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await client.run() }
            defer { tasks.cancelAll() }
            // Before the worker starts (its consumer groups must not be deleted under it). Only these
            // keys: FLUSHDB would also drop every client's tracking table (RESP3 push tests).
            var keys: [String] = []
            for queue in configured.catalog.queues.map(\.keys) {
                keys += [queue.stream, queue.delayed, queue.dead, queue.results, queue.idempotency, queue.idempotencyIndex, queue.paused]
            }
            try await client.send(RESPCommand("DEL", keys))
            // And the per-user limit counters of this database (earlier runs sent the same mail).
            try await client.send(
                "EVAL", "for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end return 0", "0", "bp:limit:*")
            tasks.addTask { try await group.run() }
            do {
                try await body(client, built.breakers.snapshots().map(\.dependency))
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.next()
        }
        await built.shutdown()
    }

    static func directory() throws -> String {
        let path = try makeTemporaryDirectory("bp-app").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Waits for `count` outcomes on `queue`, polling with a deadline.
    static func outcomes(_ client: RedisClient, queue: String, count: Int) async throws -> [[String: String]] {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(20)
        while clock.now < deadline {
            let entries = try await client.xrange("{\(queue)}:results")
            if entries.count >= count { return entries.map(\.fields) }
            try await clock.sleep(for: .milliseconds(20))
        }
        Issue.record("no \(count) outcomes on \(queue) within 20 s")
        return []
    }

    @Test("the README's line ends as a mail in the outbox; a declared type without its settings says which are missing")
    func readmeLineAndUnconfiguredType() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await self.withWorker(self.environment(database: 9, directory: directory)) { client, breakerNames in
            // Exactly the README's line.
            try await client.send(
                "XADD", "email_queue", "*", "job_data", #"{"type":"send_email","to":"user@example.com","template":"welcome"}"#)
            try await client.send("XADD", "sms_queue", "*", "job_data", #"{"type":"verify_phone_identity","provider":"pass","token":"x"}"#)
            try await client.send("XADD", "verification_queue", "*", "job_data", #"{"type":"review_document","source":"x","kind":"degree_certificate"}"#)
            // verify_social is built: a bad handle is refused before any call.
            try await client.send("XADD", "verification_queue", "*", "job_data", #"{"type":"verify_social","provider":"github","handle":"../x"}"#)
            let email = try await Self.outcomes(client, queue: "email_queue", count: 1)
            #expect(email.first?["status"] == "succeeded", "\(email)")
            let mails = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/mail")) ?? []
            #expect(mails.contains { $0.hasSuffix(".eml") }, "no .eml in the outbox: \(mails)")

            let dead = try await client.xrange("{sms_queue}:dead")
            let identity = try await Self.outcomes(client, queue: "sms_queue", count: 1)
            #expect(identity.first?["status"] == "dead")
            let error = identity.first?["error"] ?? dead.first?.fields["error"] ?? ""
            #expect(error.contains("not configured") && error.contains("IDENTITY_PASS_ENCRYPTION_KEY"), "\(error)")

            // Every breaker of the running job types is listed from the start (outbox SMS: sms:outbox).
            let breakers = Set(breakerNames)
            #expect(breakers.isSuperset(of: ["smtp", "sms:outbox"]), "\(breakers)")

            let verification = try await Self.outcomes(client, queue: "verification_queue", count: 2)
            #expect(verification.contains { $0["type"] == "review_document" && $0["error"]?.contains("source not found in storage") == true }, "\(verification)")
            #expect(verification.contains { $0["type"] == "verify_social" && $0["error"]?.contains("not a valid GitHub login") == true }, "\(verification)")
        }
    }

    @Test("bad values of every layer are reported together, one line each, never echoing a secret")
    func badSettingsReported() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var environment = self.environment(database: 9, directory: directory)
        environment["BLUEPRINT_CONCURRENCY"] = "lots"
        environment["BLUEPRINT_BREAKER_PROBES"] = "0"
        environment["BLUEPRINT_USER_LIMITS"] = "email=often"
        do {
            _ = try await ConfiguredSettings.load(environment: environment)
            Issue.record("bad settings accepted")
        } catch {
            #expect(error.problems.count == 3, "\(error.problems)")
            #expect(error.problems.contains { $0.hasPrefix("BLUEPRINT_CONCURRENCY") })
            #expect(error.problems.contains { $0.hasPrefix("BLUEPRINT_BREAKER_PROBES") })
            #expect(error.problems.contains { $0.hasPrefix("BLUEPRINT_USER_LIMITS") })
        }

        // A module's own settings are checked when it builds.
        environment = self.environment(
            database: 9, directory: directory,
            extra: ["SMS_PROVIDER": "nhn", "SMS_SENDER": "0212345678", "NHN_SMS_APP_KEY": "app-key-1234567", "SMTP_URL": "smtp://u:sup3r-secret-pw@"])
        let configured = try await ConfiguredSettings.load(environment: environment)
        do {
            _ = try WorkerApplication(configured: configured, redactor: PIIRedactor(), logger: Self.logger).makeServices()
            Issue.record("bad module settings accepted")
        } catch let invalid as InvalidSettings {
            #expect(invalid.problems.contains { $0.contains("NHN_SMS_SECRET_KEY") }, "\(invalid.problems)")
            #expect(invalid.problems.contains { $0.contains("SMTP_URL") }, "\(invalid.problems)")
            #expect(!invalid.description.contains("sup3r-secret-pw"))
        }

        // An unknown provider is named as the problem (not the sender it would need).
        environment = self.environment(database: 9, directory: directory, extra: ["SMS_PROVIDER": "carrier-pigeon"])
        let unknownProvider = try await ConfiguredSettings.load(environment: environment)
        do {
            _ = try WorkerApplication(configured: unknownProvider, redactor: PIIRedactor(), logger: Self.logger).makeServices()
            Issue.record("an unknown SMS provider was accepted")
        } catch let invalid as InvalidSettings {
            #expect(invalid.problems == ["SMS_PROVIDER must be nhn, solapi, twilio or outbox"], "\(invalid.problems)")
        }
    }
}
