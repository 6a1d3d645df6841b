import Foundation
import JobEngine
import Logging
import RedisClient
import TestSupport
import Testing

/// The real servers the tests use, found through the environment that scripts/test.sh exports.
enum MessagingTestEnv {
    static let env = ProcessInfo.processInfo.environment
    static var redisHost: String { TestRedis.host }
    static var redisPort: Int { TestRedis.port }

    /// Whether scripts/test.sh started the aiosmtpd server.
    static var smtpAvailable: Bool { env["SMTP_TEST_PORT"] != nil && env["SMTP_TEST_PYTHON"] != nil }
    /// Whether the SMTP suites run: when the server is there, and always under `make test` (where
    /// a missing server fails them instead of skipping them silently).
    static var smtpSuitesRun: Bool { TestServers.shouldRun(smtpAvailable) }
    static var smtpHost: String { env["SMTP_TEST_HOST"] ?? "localhost" }
    static var smtpPort: Int { Int(env["SMTP_TEST_PORT"] ?? "") ?? 0 }
    static var smtpImplicitPort: Int { Int(env["SMTP_TEST_IMPLICIT_PORT"] ?? "") ?? 0 }
    static var smtpUser: String { env["SMTP_TEST_USER"] ?? "" }
    static var smtpPassword: String { env["SMTP_TEST_PASSWORD"] ?? "" }
    static var caFile: String { env["SMTP_TEST_CA_FILE"] ?? "" }
    static var maildir: String { env["SMTP_TEST_MAILDIR"] ?? "" }
    static var python: String { env["SMTP_TEST_PYTHON"] ?? "python3" }
    static var scripts: String { env["SMTP_TEST_SCRIPTS"] ?? "tests/smtp" }

    static let logger: Logger = {
        var logger = Logger(label: "messaging-test")
        logger.logLevel = env["TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .critical
        return logger
    }()

    static var redis: RedisConfiguration { TestRedis.configuration }

    /// A unique recipient on a domain that is not free-mail.
    static func recipient(_ prefix: String = "user") -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())@blueprint-test.example" }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes; records an issue on timeout.
@discardableResult
func eventually(
    _ what: String, timeout: Duration = .seconds(20), sourceLocation: SourceLocation = #_sourceLocation, _ condition: () async throws -> Bool
) async throws -> Bool {
    do {
        try await waitUntil(what, timeout: timeout, condition)
        return true
    } catch let failure as TestFailure {
        Issue.record("timed out waiting for: \(what) (\(failure))", sourceLocation: sourceLocation)
        return false
    }
}

/// Messages the aiosmtpd server (or an outbox) received.
enum Maildir {
    struct Received {
        let eml: String
        let to: [String]
        let tls: Bool
        let authenticated: Bool
    }

    /// Every message in `directory` addressed to `recipient`.
    static func messages(to recipient: String, in directory: String = MessagingTestEnv.maildir) -> [Received] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.compactMap { name in
            guard let data = FileManager.default.contents(atPath: directory + "/" + name),
                let meta = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let to = meta["to"] as? [String], to.contains(recipient)
            else { return nil }
            return Received(
                eml: directory + "/" + name.dropLast(5) + ".eml", to: to, tls: meta["tls"] as? Bool ?? false,
                authenticated: meta["authenticated"] as? Bool ?? false)
        }
    }

    /// What Python's `email` package reads from `eml` (tests/smtp/decode_mail.py).
    static func decode(_ eml: String) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: MessagingTestEnv.python)
        process.arguments = [MessagingTestEnv.scripts + "/decode_mail.py", eml]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}

/// Runs a Redis client (on the shared test server) for the duration of `body`.
func withRedis<T: Sendable>(_ body: (RedisClient) async throws -> T) async throws -> T {
    try await withClient(MessagingTestEnv.redis, body)
}

/// An engine consuming one private queue with `registry`, stopped at the end of `body`.
func withEngine<T: Sendable>(
    queue: String, registry: JobRegistry, client: RedisClient, policies: [any JobPolicy] = [], _ body: () async throws -> T
) async throws -> T {
    var configuration = EngineConfiguration(
        workerID: "w-\(UUID().uuidString.prefix(6))", queues: [QueueConfiguration(keys: QueueKeys(queue: queue, group: "g"), concurrency: 8)])
    configuration.blockTime = .milliseconds(100)
    configuration.minIdle = .milliseconds(2000)
    configuration.heartbeatInterval = .milliseconds(300)
    configuration.reclaimInterval = .milliseconds(200)
    configuration.schedulerInterval = .milliseconds(20)
    configuration.shutdownGracePeriod = .seconds(5)
    configuration.policies = policies
    let engine = JobEngine(configuration: configuration, registry: registry, client: client, logger: MessagingTestEnv.logger)
    let task = Task { try? await engine.run() }
    do {
        let result = try await body()
        engine.stop()
        await task.value
        return result
    } catch {
        engine.stop()
        await task.value
        throw error
    }
}

/// The outcome entries of `queue`, by job id.
func outcomes(_ client: RedisClient, queue: String) async throws -> [String: [String: String]] {
    let entries = try await client.xrange(QueueKeys(queue: queue, group: "g").results)
    var result: [String: [String: String]] = [:]
    for entry in entries { result[entry.fields["job_id"] ?? entry.id] = entry.fields }
    return result
}
