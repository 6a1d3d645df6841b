// The batch column of `make bench-email`: BENCH_NOTIFICATIONS (1,000) `send_email` jobs of one
// template (`project_update`, each to its own recipient) through the real engine (256 jobs at a
// time) and the same aiosmtpd, twice in one run:
//   batched — templated jobs waiting together go out as one batch (TemplateBatcher: template
//             rendered once per locale, several messages per pipelined SMTP session)
//   single  — batching off: every job renders and sends its own message (pooled connections)
// Each mode has its own queue, pre-filled before the engine starts, and is timed from the start
// of the engine to the last outcome. Every job must succeed.
import Foundation
import JobEngine
import Logging
import Messaging
import RedisClient
import SMTPClient
import SMTPProtocol

struct EngineBatchBench {
    let redisPort: Int
    let notifications: Int
    let connections: Int
    let smtp: SMTPClientConfiguration
    let logger: Logger

    /// Mails per second of one mode.
    func run(batched: Bool) async throws -> Double {
        let queue = "bench_email_\(batched ? "batched" : "single")_\(UUID().uuidString.prefix(6))"
        var smtp = self.smtp
        smtp.maximumConnections = self.connections
        let client = try SMTPClient(configuration: smtp, logger: self.logger)
        let transport = SMTPMailTransport(client: client)
        let from = try MailAddress("noreply@blueprint-bench.example", displayName: "블루프린트")
        let templates = try MessageTemplates(templates: BuiltInTemplates.all)
        var service = EmailService(transport: transport, from: from, templates: templates)
        let batcher = TemplateBatcher(
            window: .milliseconds(5), maximumBatch: 50, clock: ContinuousClock(),
            renderer: TemplateBatchRenderer(templates: templates, from: from),
            transport: transport)
        if batched { service.batchDelivery = { try await batcher.deliver($0) } }
        var registry = JobRegistry()
        service.register(in: &registry, queues: [queue])

        let redis = RedisClient(
            configuration: RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: self.redisPort)),
            logger: self.logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await redis.run() }
            let keys = QueueKeys(queue: queue, group: "g")
            let producer = JobProducer(client: redis)
            for index in 0..<self.notifications {
                let locale = index % 2 == 0 ? "ko" : "en"
                _ = try await producer.enqueue(
                    queue: queue,
                    jobData:
                        #"{"type":"send_email","to":"bench-\#(index)@blueprint-bench.example","template":"project_update","locale":"\#(locale)","vars":{"name":"사용자 \#(index)","project_name":"한강 다리","update":"3층 골조 완료 & 검수 예정 \#(index)"}}"#
                )
            }
            var configuration = EngineConfiguration(
                workerID: "bench-\(UUID().uuidString.prefix(6))",
                queues: [QueueConfiguration(keys: keys, concurrency: 256)])
            configuration.blockTime = .milliseconds(100)
            let engine = JobEngine(configuration: configuration, registry: registry, client: redis, logger: self.logger)
            let clock = ContinuousClock()
            let start = clock.now
            group.addTask { try await engine.run() }
            if batched { group.addTask { try await batcher.run() } }
            // Polls the outcome stream (a benchmark, not a test: the poll interval is far below the run).
            while try await redis.xlen(keys.results) < self.notifications {
                try await Task.sleep(for: .milliseconds(5))
            }
            let elapsed = start.duration(to: clock.now)
            let outcomes = try await redis.xrange(keys.results)
            let failed = outcomes.filter { $0.fields["status"] != "succeeded" }
            engine.stop()
            group.cancelAll()
            await client.shutdown()
            for key in [keys.stream, keys.results, keys.dead, keys.delayed] { _ = try? await redis.send("DEL", key) }
            guard failed.isEmpty else {
                throw BenchFailure(
                    "\(failed.count) jobs did not succeed: \(Set(failed.compactMap { $0.fields["error"] }))")
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let rate = Double(self.notifications) / seconds
            let extra = batched ? " batches=\(batcher.batchesSent) template_renders=\(batcher.templateRenders)" : ""
            print(
                "mode=engine-\(batched ? "batched" : "one-job-at-a-time") notifications=\(self.notifications) connections=\(self.connections) seconds=\(String(format: "%.2f", seconds)) mails_per_second=\(String(format: "%.1f", rate))\(extra)"
            )
            return rate
        }
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
