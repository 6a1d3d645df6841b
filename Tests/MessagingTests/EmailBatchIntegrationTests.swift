import Foundation
import JobEngine
import Logging
import Messaging
import RedisClient
import SMTPClient
import SMTPProtocol
import TestSupport
import Testing

/// Template batches end to end: Redis Streams -> engine (256 jobs at once) -> `send_email`
/// handlers -> ``TemplateBatcher`` -> pooled, pipelined SMTP sessions -> the real aiosmtpd.
@Suite(.enabled(if: MessagingTestEnv.smtpSuitesRun, "needs redis-server and aiosmtpd from scripts/test.sh"))
struct EmailBatchIntegrationTests {
    typealias Env = MessagingTestEnv

    struct Setup {
        let service: EmailService
        let batcher: TemplateBatcher<ContinuousClock>
        let client: SMTPClient
    }

    static func setup(
        port: Int = Env.smtpPort, retries: Int = 2, window: Duration = .milliseconds(50), size: Int = 100,
        connections: Int = 4
    ) throws -> Setup {
        var configuration = EmailJobIntegrationTests.smtpConfiguration(port: port)
        configuration.maximumConnections = connections
        let client = try SMTPClient(configuration: configuration, logger: Env.logger)
        let transport = SMTPMailTransport(client: client)
        let from = try MailAddress("noreply@blueprint-test.example", displayName: "블루프린트")
        let templates = try MessageTemplates(templates: BuiltInTemplates.all)
        let batcher = TemplateBatcher(
            window: window, maximumBatch: size, clock: ContinuousClock(),
            renderer: TemplateBatchRenderer(templates: templates, from: from),
            transport: transport)
        var service = EmailService(transport: transport, from: from, templates: templates)
        service.retryPolicy = RetryPolicy(
            maximumRetries: retries, baseDelay: .milliseconds(50), maximumDelay: .milliseconds(300))
        service.timeout = .seconds(15)
        service.batchDelivery = { try await batcher.deliver($0) }
        return Setup(service: service, batcher: batcher, client: client)
    }

    /// The engine (`concurrency` jobs at once) and the batcher, both children of one task group,
    /// for the duration of `body`.
    @discardableResult
    static func withBatchingEngine<T: Sendable>(
        queue: String, setup: Setup, client: RedisClient, concurrency: Int = 256, _ body: @Sendable () async throws -> T
    ) async throws -> T {
        var registry = JobRegistry()
        setup.service.register(in: &registry, queues: [queue])
        var configuration = EngineConfiguration(
            workerID: "w-\(UUID().uuidString.prefix(6))",
            queues: [QueueConfiguration(keys: QueueKeys(queue: queue, group: "g"), concurrency: concurrency)])
        configuration.blockTime = .milliseconds(100)
        configuration.minIdle = .milliseconds(30_000)
        configuration.heartbeatInterval = .milliseconds(300)
        configuration.reclaimInterval = .milliseconds(200)
        configuration.schedulerInterval = .milliseconds(20)
        configuration.shutdownGracePeriod = .seconds(10)
        let engine = JobEngine(configuration: configuration, registry: registry, client: client, logger: Env.logger)
        let batcher = setup.batcher
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await batcher.run() }
            group.addTask { try? await engine.run() }
            do {
                let result = try await body()
                engine.stop()
                try await group.next()  // whichever ends first; the engine after stop()
                group.cancelAll()
                return result
            } catch {
                engine.stop()
                group.cancelAll()
                throw error
            }
        }
    }

    /// Recipient -> the metadata of each message the server received for it (one directory read).
    static func received(in directory: String = Env.maildir) -> [String: [[String: Any]]] {
        var byRecipient: [String: [[String: Any]]] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        where name.hasSuffix(".json") && !name.hasPrefix(".") {
            guard let data = FileManager.default.contents(atPath: directory + "/" + name),
                var meta = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let to = meta["to"] as? [String]
            else { continue }
            meta["eml"] = directory + "/" + name.dropLast(5) + ".eml"
            for recipient in to { byRecipient[recipient, default: []].append(meta) }
        }
        return byRecipient
    }

    static func job(to: String, locale: String = "ko", index: Int) -> String {
        #"{"type":"send_email","to":"\#(to)","template":"project_update","locale":"\#(locale)","vars":{"name":"김<\#(index)>","project_name":"한강 \#(index)","update":"골조 & 검수 \#(index)"}}"#
    }

    @Test func twoHundredJobsOfOneTemplateAreBatchedEachDeliveredOnce() async throws {
        let queue = EmailJobIntegrationTests.queue()
        let setup = try Self.setup()
        let recipients = (0..<200).map { Env.recipient("batch\($0)") }
        try await withRedis { client in
            let producer = JobProducer(client: client)
            // All waiting before the engine starts: they arrive together, as a burst would.
            for (index, to) in recipients.enumerated() {
                _ = try await producer.enqueue(
                    queue: queue, jobData: Self.job(to: to, locale: index % 2 == 0 ? "ko" : "en", index: index))
            }
            try await Self.withBatchingEngine(queue: queue, setup: setup, client: client) {
                try await eventually("200 outcomes", timeout: .seconds(60)) {
                    try await outcomes(client, queue: queue).count == 200
                }
            }
            let results = try await outcomes(client, queue: queue)
            #expect(
                results.values.allSatisfy { $0["status"] == "succeeded" },
                "\(Set(results.values.compactMap { $0["error"] }))")
        }
        await setup.client.shutdown()
        let received = Self.received()
        for to in recipients { #expect(received[to]?.count == 1, "\(to) received \(received[to]?.count ?? 0)") }
        let batches = setup.batcher.batchesSent
        let renders = setup.batcher.templateRenders
        #expect(batches >= 2 && batches < 50, "batches: \(batches)")
        #expect(renders <= 2 * batches, "at most once per locale per batch: \(renders) renders for \(batches) batches")
        let sessions = Set(recipients.compactMap { received[$0]?.first?["session"] as? String })
        print(
            "template batches: 200 jobs, \(batches) batches, \(renders) template renders, \(sessions.count) SMTP sessions"
        )
        #expect(!sessions.isEmpty, "the server records sessions")
        #expect(sessions.count <= 8, "SMTP sessions used: \(sessions.count) for 200 jobs")
        // Content is exactly what the template gives, per recipient.
        let decoded = try Maildir.decode(try #require(received[recipients[3]]?.first?["eml"] as? String))
        #expect(decoded["subject"] as? String == "[Blueprint] News from 한강 3")
        #expect((decoded["html"] as? String)?.contains("골조 &amp; 검수 3") == true)
        #expect((decoded["text"] as? String)?.contains("김<3>") == true)
    }

    @Test func aRefusedOrDeferredRecipientFailsOnlyItsOwnJob() async throws {
        let queue = EmailJobIntegrationTests.queue()
        let setup = try Self.setup(retries: 2)
        let good = (0..<20).map { Env.recipient("mixed\($0)") }
        let reject = "reject-\(UUID().uuidString.prefix(6).lowercased())@blueprint-test.example"
        let tempfail = "tempfail-\(UUID().uuidString.prefix(6).lowercased())@blueprint-test.example"
        try await withRedis { client in
            let producer = JobProducer(client: client)
            var jobs = good
            jobs.insert(reject, at: 5)
            jobs.insert(tempfail, at: 12)
            let all = jobs
            for (index, to) in all.enumerated() {
                _ = try await producer.enqueue(
                    queue: queue, jobData: Self.job(to: to, index: index),
                    options: .init(idempotencyKey: "\(to)-\(queue)"))
            }
            try await Self.withBatchingEngine(queue: queue, setup: setup, client: client) {
                try await eventually("all outcomes", timeout: .seconds(60)) {
                    try await outcomes(client, queue: queue).count == all.count
                }
            }
            let results = try await outcomes(client, queue: queue)
            for to in good {
                #expect(results["\(to)-\(queue)"]?["status"] == "succeeded")
                #expect(results["\(to)-\(queue)"]?["attempts"] == "1", "a neighbour's failure did not fail it")
            }
            let rejected = try #require(results["\(reject)-\(queue)"])
            #expect(rejected["status"] == "dead" && rejected["attempts"] == "1")
            #expect(rejected["error"]?.contains("550 5.1.1 Mailbox unavailable") == true)
            #expect(rejected["error"]?.contains(reject) == false, "no address in errors")
            let deferred = try #require(results["\(tempfail)-\(queue)"])
            #expect(deferred["status"] == "dead" && deferred["attempts"] == "3", "4xx retried: 1 try + 2 retries")
            #expect(deferred["error"]?.contains("451") == true)
        }
        await setup.client.shutdown()
        let received = Self.received()
        for to in good { #expect(received[to]?.count == 1) }
        #expect(received[reject] == nil && received[tempfail] == nil)
    }

    @Test func serverKilledMidBatchUnconfirmedJobsRetriedNoneLost() async throws {
        let port = try EmailJobIntegrationTests.freePort()
        let maildir = NSTemporaryDirectory() + "bp-batch-kill-\(UUID().uuidString.prefix(8))"
        let server = LockedBox(try EmailJobIntegrationTests.startServer(port: port, maildir: maildir))
        try await waitUntil("server up", timeout: .seconds(20)) { await acceptsConnections(port: port) }
        let connections = 2
        let queue = EmailJobIntegrationTests.queue()
        let setup = try Self.setup(
            port: port, retries: 60, window: .milliseconds(20), size: 50, connections: connections)
        let recipients = (0..<400).map { Env.recipient("kill\($0)") }
        try await withRedis { client in
            let producer = JobProducer(client: client)
            for (index, to) in recipients.enumerated() {
                _ = try await producer.enqueue(
                    queue: queue, jobData: Self.job(to: to, index: index),
                    options: .init(idempotencyKey: "\(to)-\(queue)"))
            }
            try await Self.withBatchingEngine(queue: queue, setup: setup, client: client) {
                try await eventually("some delivered", timeout: .seconds(30)) { Self.received(in: maildir).count >= 20 }
                kill(server.current.processIdentifier, SIGKILL)
                server.current.waitUntilExit()
                let before = Self.received(in: maildir).count
                #expect(before < recipients.count, "killed mid-run (\(before) delivered)")
                try await eventually("jobs waiting for a retry") { try await client.zcard("{\(queue)}:delayed") > 0 }
                let restarted = try EmailJobIntegrationTests.startServer(port: port, maildir: maildir)
                server.withLock { $0 = restarted }
                try await eventually("all outcomes after the restart", timeout: .seconds(90)) {
                    try await outcomes(client, queue: queue).count == recipients.count
                }
            }
            let results = try await outcomes(client, queue: queue)
            #expect(
                results.values.allSatisfy { $0["status"] == "succeeded" },
                "\(Set(results.values.compactMap { $0["error"] }))")
            #expect(results.values.contains { Int($0["attempts"] ?? "1")! > 1 }, "unconfirmed jobs were retried")
            for to in recipients {
                let marker = try await client.send("GET", SentMarker.key(queue: queue, jobID: "\(to)-\(queue)")).string
                #expect(marker?.hasPrefix("sent:") == true)
                _ = try await client.send("DEL", SentMarker.key(queue: queue, jobID: "\(to)-\(queue)"))
            }
        }
        await setup.client.shutdown()
        kill(server.current.processIdentifier, SIGKILL)
        server.current.waitUntilExit()
        let received = Self.received(in: maildir)
        var duplicates = 0
        for to in recipients {
            let count = received[to]?.count ?? 0
            #expect(count >= 1, "\(to) lost")
            duplicates += max(0, count - 1)
        }
        // Only a message whose data the server took but whose reply the kill cut off can go twice:
        // at most one per session open at the kill.
        #expect(duplicates <= connections, "duplicates: \(duplicates)")
    }

    @Test func hostileArgumentsAreRefusedAsBeforeAndTheRestOfTheBatchGoesOut() async throws {
        let queue = EmailJobIntegrationTests.queue()
        let setup = try Self.setup()
        let good = Env.recipient("goodneighbour")
        let manyVars = (0..<201).map { #""v\#($0)":"x""# }.joined(separator: ",")
        var deep = #""x""#
        for _ in 0..<10 { deep = "[\(deep)]" }
        let cases: [(String, String)] = [
            (
                #"{"type":"send_email","to":"h1-x@blueprint-test.example","template":"project_update","vars":{"name":"a","project_name":"p\r\nBcc: victim@example.com","update":"u"}}"#,
                "header injection"
            ),
            (
                #"{"type":"send_email","to":"h2-x@blueprint-test.example","name":"Kim\nBcc: victim@example.com","template":"welcome","vars":{}}"#,
                "header injection"
            ),
            (
                #"{"type":"send_email","to":"h3-x@blueprint-test.example\r\nBcc: victim@example.com","template":"welcome","vars":{}}"#,
                "header injection"
            ),
            (
                #"{"type":"send_email","to":"h4-x@blueprint-test.example","template":"no_such_template","vars":{}}"#,
                "unknown template"
            ),
            (
                #"{"type":"send_email","to":"h5-x@blueprint-test.example","template":"../../etc/passwd","vars":{}}"#,
                "unknown template '?'"
            ),
            (
                #"{"type":"send_email","to":"h6-x@blueprint-test.example","template":"project_update","vars":{"name":"x"}}"#,
                "needs variable"
            ),
            (
                #"{"type":"send_email","to":"h7-x@blueprint-test.example","template":"welcome","vars":{\#(manyVars)}}"#,
                "too large"
            ),
            (
                #"{"type":"send_email","to":"h8-x@blueprint-test.example","template":"welcome","vars":{"name":\#(deep)}}"#,
                "too deeply nested"
            ),
            (#"{"type":"send_email","to":"h9-x@blueprint-test.example","template":"welcome","locale":"fr"}"#, "locale"),
            (
                #"{"type":"send_email","to":"h10-x@blueprint-test.example","template":"welcome","subject":"s","text":"t"}"#,
                "not both"
            ),
            (
                #"{"type":"send_email","to":"h11-x@blueprint-test.example","template":"project_update","vars":{"name":"a","project_name":"\#(String(repeating: "가", count: 100_000))","update":"u"}}"#,
                "longer than 998"
            ),
        ]
        try await withRedis { client in
            let producer = JobProducer(client: client)
            for (index, (job, _)) in cases.enumerated() {
                _ = try await producer.enqueue(
                    queue: queue, jobData: job, options: .init(idempotencyKey: "bad-\(index)-\(queue)"))
            }
            _ = try await producer.enqueue(
                queue: queue, jobData: Self.job(to: good, index: 1), options: .init(idempotencyKey: "good-\(queue)"))
            try await Self.withBatchingEngine(queue: queue, setup: setup, client: client) {
                try await eventually("all outcomes") {
                    try await outcomes(client, queue: queue).count == cases.count + 1
                }
            }
            let results = try await outcomes(client, queue: queue)
            #expect(results["good-\(queue)"]?["status"] == "succeeded")
            for (index, (_, expected)) in cases.enumerated() {
                let outcome = results["bad-\(index)-\(queue)"] ?? [:]
                #expect(outcome["status"] == "dead", "case \(index)")
                #expect(outcome["error"]?.contains(expected) == true, "case \(index): \(outcome["error"] ?? "")")
                #expect(outcome["error"]?.contains("victim") == false, "no PII in errors")
                #expect(
                    try await client.send("GET", SentMarker.key(queue: queue, jobID: "bad-\(index)-\(queue)")).string
                        == nil, "claim released")
            }
        }
        await setup.client.shutdown()
        #expect(Self.received()["victim@example.com"] == nil)
        #expect(Self.received()[good]?.count == 1)
    }

    @Test func sentMarkerPreventsASecondSendOfABatchedJob() async throws {
        let queue = EmailJobIntegrationTests.queue()
        let setup = try Self.setup()
        let to = Env.recipient("batchmarker")
        try await withRedis { client in
            _ = try await client.send(
                "SET", SentMarker.key(queue: queue, jobID: "job-\(queue)"), "sent:earlier-id@x", "EX", "60")
            let producer = JobProducer(client: client)
            _ = try await producer.enqueue(
                queue: queue, jobData: Self.job(to: to, index: 1), options: .init(idempotencyKey: "job-\(queue)"))
            _ = try await producer.enqueue(
                queue: queue, jobData: Self.job(to: to, index: 2), options: .init(idempotencyKey: "job2-\(queue)"))
            try await Self.withBatchingEngine(queue: queue, setup: setup, client: client) {
                try await eventually("two outcomes") { try await outcomes(client, queue: queue).count == 2 }
            }
            let results = try await outcomes(client, queue: queue)
            #expect(results["job-\(queue)"]?["result"]?.contains("already_sent") == true)
            #expect(results["job2-\(queue)"]?["status"] == "succeeded")
            #expect(
                try await client.send("GET", SentMarker.key(queue: queue, jobID: "job2-\(queue)")).string?.hasPrefix(
                    "sent:") == true)
        }
        await setup.client.shutdown()
        #expect(Self.received()[to]?.count == 1, "only the job without a marker was mailed")
    }
}
