import Foundation
import JobEngine
import Policies
import Messaging
import RESP
import RedisClient
import SMTPClient
import SMTPProtocol
import TestSupport
import Testing

/// The email job types end to end: Redis Streams -> engine -> handler -> real aiosmtpd.
@Suite(.enabled(if: MessagingTestEnv.smtpSuitesRun, "needs redis-server and aiosmtpd from scripts/test.sh"))
struct EmailJobIntegrationTests {
    typealias Env = MessagingTestEnv

    static func smtpConfiguration(port: Int = Env.smtpPort) -> SMTPClientConfiguration {
        var configuration = SMTPClientConfiguration(
            host: Env.smtpHost, port: port, security: .startTLS, username: Env.smtpUser, password: Env.smtpPassword, caFile: Env.caFile)
        configuration.commandTimeout = .seconds(5)
        configuration.connectTimeout = .seconds(2)
        return configuration
    }

    static func service(port: Int = Env.smtpPort, retries: Int = 2) throws -> EmailService {
        let client = try SMTPClient(configuration: smtpConfiguration(port: port), logger: Env.logger)
        var service = EmailService(
            transport: SMTPMailTransport(client: client), from: try MailAddress("noreply@blueprint-test.example", displayName: "블루프린트"),
            templates: try MessageTemplates(templates: BuiltInTemplates.all))
        service.retryPolicy = RetryPolicy(maximumRetries: retries, baseDelay: .milliseconds(50), maximumDelay: .milliseconds(300))
        service.timeout = .seconds(10)
        return service
    }

    static func queue() -> String { "t_email_\(UUID().uuidString.prefix(8))" }

    @Test func templatedJobsArriveDecodedExactly() async throws {
        let queue = Self.queue()
        var registry = JobRegistry()
        let service = try Self.service()
        service.register(in: &registry, queues: [queue])
        let signup = Env.recipient("signup")
        let project = Env.recipient("project")
        try await withRedis { client in
            try await withEngine(queue: queue, registry: registry, client: client) {
                let producer = JobProducer(client: client)
                _ = try await producer.enqueue(
                    queue: queue, jobData: #"{"type":"send_verification_code","to":"\#(signup)","code":"482913","purpose":"signup"}"#)
                _ = try await producer.enqueue(
                    queue: queue,
                    jobData: #"{"type":"send_email","to":"\#(project)","template":"project_update","locale":"ko","vars":{"name":"김<철수>","project_name":"한강 다리","update":"3층 골조 완료 & 검수 예정"}}"#)
                try await eventually("both outcomes") { try await outcomes(client, queue: queue).count == 2 }
                let results = try await outcomes(client, queue: queue)
                #expect(results.values.allSatisfy { $0["status"] == "succeeded" }, "\(results.values.map { $0["error"] ?? "" })")
            }
        }
        await service.transport.shutdown()

        let code = try Maildir.decode(try #require(Maildir.messages(to: signup).first).eml)
        #expect(code["subject"] as? String == "[블루프린트] 회원가입 인증 코드 482913")
        #expect((code["text"] as? String)?.contains("회원가입 인증 코드는 482913 입니다.") == true)
        #expect((code["html"] as? String)?.contains("482913</strong>") == true)

        let update = try Maildir.decode(try #require(Maildir.messages(to: project).first).eml)
        #expect(update["subject"] as? String == "[블루프린트] 한강 다리 프로젝트 소식")
        // Text is not HTML-escaped; HTML is.
        #expect((update["text"] as? String)?.contains("김<철수>님, 안녕하세요.") == true)
        #expect((update["text"] as? String)?.contains("3층 골조 완료 & 검수 예정") == true)
        #expect((update["html"] as? String)?.contains("김&lt;철수&gt;님") == true)
        #expect((update["html"] as? String)?.contains("3층 골조 완료 &amp; 검수 예정") == true)
    }

    @Test func badInputIsDeadLetteredWithAClearErrorAndNothingSent() async throws {
        let queue = Self.queue()
        var registry = JobRegistry()
        let service = try Self.service()
        service.register(in: &registry, queues: [queue])
        let cases: [(String, String)] = [
            (#"{"type":"send_email","to":"a@blueprint-test.example\r\nBcc: victim@example.com","subject":"s","text":"t"}"#, "header injection"),
            (#"{"type":"send_email","to":"inj-x@blueprint-test.example","subject":"hi\r\nBcc: victim@example.com","text":"t"}"#, "header injection"),
            (#"{"type":"send_email","to":"nm-x@blueprint-test.example","name":"Kim\nBcc: v@example.com","subject":"s","text":"t"}"#, "header injection"),
            (#"{"type":"send_email","to":"tpl-x@blueprint-test.example","template":"no_such_template","vars":{}}"#, "unknown template"),
            (#"{"type":"send_email","to":"var-x@blueprint-test.example","template":"project_update","vars":{"name":"x"}}"#, "needs variable"),
            (#"{"type":"send_verification_code","to":"c-x@blueprint-test.example","code":"12ab","purpose":"signup"}"#, "6 digits"),
            (#"{"type":"send_work_email_verification","to":"someone@naver.com","code":"123456"}"#, "free-mail"),
            (#"{"type":"send_work_email_verification","to":"x@mx.mailinator.com","code":"123456"}"#, "disposable"),
            (#"{"type":"send_email","to":"big-x@blueprint-test.example","subject":"\#(String(repeating: "가", count: 100_000))","text":"t"}"#, "longer than 998"),
            (#"{"type":"send_email","to":"loc-x@blueprint-test.example","subject":"s","text":"t","locale":"fr"}"#, "locale"),
        ]
        try await withRedis { client in
            try await withEngine(queue: queue, registry: registry, client: client) {
                let producer = JobProducer(client: client)
                var ids: [String: String] = [:]
                for (index, (job, expected)) in cases.enumerated() {
                    ids[try await producer.enqueue(queue: queue, jobData: job, options: .init(idempotencyKey: "bad-\(index)-\(queue)"))] = expected
                    _ = ids
                }
                // Invalid UTF-8 in job_data.
                var raw = RESPCommand("XADD", [queue, "*", "job_data"])
                raw.append(bytes: Array(#"{"type":"send_email","to":"u-x@blueprint-test.example","subject":"#.utf8) + [0xFF, 0xC3] + Array(#"","text":"t"}"#.utf8))
                _ = try await client.send(raw)
                try await eventually("all outcomes") { try await outcomes(client, queue: queue).count == cases.count + 1 }
                let results = try await outcomes(client, queue: queue)
                #expect(results.values.allSatisfy { $0["status"] == "dead" })
                for (index, (_, expected)) in cases.enumerated() {
                    let error = results["bad-\(index)-\(queue)"]?["error"] ?? ""
                    #expect(error.contains(expected), "case \(index): \(error)")
                    #expect(!error.contains("victim"), "no PII in errors")
                }
            }
        }
        await service.transport.shutdown()
        #expect(Maildir.messages(to: "victim@example.com").isEmpty)
    }

    @Test func smtp4xxIsRetriedThen5xxAndExhaustedRetriesAreDead() async throws {
        let queue = Self.queue()
        var registry = JobRegistry()
        let service = try Self.service(retries: 2)
        service.register(in: &registry, queues: [queue])
        try await withRedis { client in
            try await withEngine(queue: queue, registry: registry, client: client) {
                let producer = JobProducer(client: client)
                _ = try await producer.enqueue(
                    queue: queue, jobData: #"{"type":"send_email","to":"tempfail-1@blueprint-test.example","subject":"s","text":"t"}"#,
                    options: .init(idempotencyKey: "temp-\(queue)"))
                _ = try await producer.enqueue(
                    queue: queue, jobData: #"{"type":"send_email","to":"reject-1@blueprint-test.example","subject":"s","text":"t"}"#,
                    options: .init(idempotencyKey: "perm-\(queue)"))
                try await eventually("two outcomes") { try await outcomes(client, queue: queue).count == 2 }
                let results = try await outcomes(client, queue: queue)
                let temp = try #require(results["temp-\(queue)"])
                #expect(temp["status"] == "dead")
                #expect(temp["attempts"] == "3", "1 try + 2 retries")
                #expect(temp["error"]?.contains("451") == true)
                let perm = try #require(results["perm-\(queue)"])
                #expect(perm["status"] == "dead")
                #expect(perm["attempts"] == "1", "5xx is not retried")
                #expect(perm["error"]?.contains("550 5.1.1 Mailbox unavailable") == true)
            }
        }
        await service.transport.shutdown()
    }

    @Test func sentMarkerPreventsASecondSendAfterRedelivery() async throws {
        let queue = Self.queue()
        var registry = JobRegistry()
        let service = try Self.service()
        service.register(in: &registry, queues: [queue])
        let to = Env.recipient("marker")
        try await withRedis { client in
            // An earlier delivery of this job already sent it (the worker died before acking).
            _ = try await client.send("SET", SentMarker.key(queue: queue, jobID: "job-\(queue)"), "sent:earlier-id@x", "EX", "60")
            try await withEngine(queue: queue, registry: registry, client: client) {
                let producer = JobProducer(client: client)
                let job = #"{"type":"send_email","to":"\#(to)","subject":"once","text":"t"}"#
                _ = try await producer.enqueue(queue: queue, jobData: job, options: .init(idempotencyKey: "job-\(queue)"))
                _ = try await producer.enqueue(queue: queue, jobData: job, options: .init(idempotencyKey: "job2-\(queue)"))
                try await eventually("two outcomes") { try await outcomes(client, queue: queue).count == 2 }
                let results = try await outcomes(client, queue: queue)
                #expect(results["job-\(queue)"]?["status"] == "succeeded")
                #expect(results["job-\(queue)"]?["result"]?.contains("already_sent") == true)
                #expect(results["job2-\(queue)"]?["status"] == "succeeded")
                let marker = try await client.send("GET", SentMarker.key(queue: queue, jobID: "job2-\(queue)")).string
                #expect(marker?.hasPrefix("sent:") == true)
            }
        }
        await service.transport.shutdown()
        #expect(Maildir.messages(to: to).count == 1, "only the job without a marker was mailed")
    }

    @Test func relayDownBreakerOpensJobsDeferredThenAllSentNoneLost() async throws {
        // A private aiosmtpd on a port nothing listens on yet.
        let port = try Self.freePort()
        let maildir = NSTemporaryDirectory() + "bp-down-\(UUID().uuidString.prefix(8))"
        let queue = Self.queue()
        var registry = JobRegistry()
        let service = try Self.service(port: port, retries: 60)
        service.register(in: &registry, queues: [queue])
        let recipients = (0..<8).map { _ in Env.recipient("down") }
        var server: Process?
        // The policies' circuit breaker, fed by the handler's `smtp` dependency failures.
        var breakerConfiguration = CircuitBreakerConfiguration()
        breakerConfiguration.consecutiveFailures = 3
        breakerConfiguration.openDuration = .milliseconds(300)
        breakerConfiguration.halfOpenProbes = 1
        let breakers = CircuitBreakerRegistry(configuration: breakerConfiguration, logger: Env.logger)
        try await withRedis { client in
            try await withEngine(queue: queue, registry: registry, client: client, policies: [CircuitBreakerPolicy(breakers: breakers)]) {
                let producer = JobProducer(client: client)
                for to in recipients {
                    _ = try await producer.enqueue(queue: queue, jobData: #"{"type":"send_email","to":"\#(to)","subject":"복구 후 발송","text":"t"}"#)
                }
                // Jobs fail to connect and wait on the delayed set (retries), none dead.
                try await eventually("jobs deferred") { try await client.zcard("{\(queue)}:delayed") > 0 }
                try await eventually("smtp breaker opened") { breakers.snapshot(of: EmailService.dependency).opened > 0 }
                #expect(try await outcomes(client, queue: queue).isEmpty, "none dead while the relay is down")
                server = try Self.startServer(port: port, maildir: maildir)
                try await eventually("all sent after recovery", timeout: .seconds(40)) { try await outcomes(client, queue: queue).count == recipients.count }
                let results = try await outcomes(client, queue: queue)
                #expect(results.values.allSatisfy { $0["status"] == "succeeded" })
                #expect(results.values.contains { Int($0["attempts"] ?? "1")! > 1 }, "some jobs were retried")
                #expect(breakers.snapshot(of: EmailService.dependency).deferred > 0, "jobs were deferred by the open breaker")
                #expect(breakers.snapshot(of: EmailService.dependency).state == .closed)
            }
        }
        await service.transport.shutdown()
        if let server {
            kill(server.processIdentifier, SIGKILL)  // messages are on disk already (written atomically)
            server.waitUntilExit()
        }
        for to in recipients { #expect(Maildir.messages(to: to, in: maildir).count == 1) }
    }

    static func startServer(port: Int, maildir: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Env.python)
        let env = ProcessInfo.processInfo.environment
        process.arguments = [
            Env.scripts + "/smtp_server.py", "--port", String(port), "--cert", env["SMTP_TEST_CERT"] ?? "", "--key", env["SMTP_TEST_KEY"] ?? "",
            "--maildir", maildir, "--user", Env.smtpUser, "--password", Env.smtpPassword,
        ]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func freePort() throws -> Int {
        let (descriptor, port) = try bindLoopbackTCPSocket()
        close(descriptor)
        return port
    }
}
