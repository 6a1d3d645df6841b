import Diagnostics
import Foundation
import InMemoryTracing
import JobEngine
import Logging
import RESP
import RedisClient
import TestSupport
import Testing
import Tracing

/// The job span through the real engine on the test Redis, with a per-test tracer (`withTracer`).
@Suite("Job spans through the engine", .serialized)
struct JobSpanTests {
    static let logger: Logger = {
        var logger = Logger(label: "tracing-test")
        logger.logLevel = .critical
        return logger
    }()

    /// Runs a canary-only engine on a fresh queue under `tracer` while `body` enqueues and waits;
    /// deletes the queue's keys afterwards.
    func withEngine(
        tracer: W3CTestTracer, _ body: @Sendable (RedisClient, QueueKeys) async throws -> Void
    ) async throws {
        try await withClient(TestRedis.configuration) { client in
            let keys = QueueKeys(queue: "t_tracing_\(UUID().uuidString.prefix(8))", group: "g")
            var configuration = EngineConfiguration(workerID: "w-tracing", queues: [QueueConfiguration(keys: keys, concurrency: 4)])
            configuration.blockTime = .milliseconds(100)
            configuration.schedulerInterval = .milliseconds(20)
            var registry = JobRegistry()
            registry.register(
                JobDefinition<CanaryArguments>(
                    name: CanaryJob.name,
                    retryPolicy: RetryPolicy(maximumRetries: 3, baseDelay: .milliseconds(20), maximumDelay: .milliseconds(50))),
                handler: CanaryJob.run)
            let engine = JobEngine(configuration: configuration, registry: registry, client: client, logger: Self.logger)
            try await withCleanup {
                try await withTracer(tracer) {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask { try await engine.run() }
                        do {
                            try await body(client, keys)
                        } catch {
                            engine.stop()
                            throw error
                        }
                        engine.stop()
                        try await group.waitForAll()
                    }
                }
            } cleanup: {
                let all = [keys.stream, keys.results, keys.dead, keys.delayed, keys.idempotency, keys.idempotencyIndex]
                _ = try? await client.send(RESPCommand("DEL", all))
            }
        }
    }

    func jobSpans(_ tracer: W3CTestTracer) -> [FinishedInMemorySpan] {
        tracer.finishedSpans.filter { $0.kind == .consumer }
    }

    @Test func jobSpanIsAChildOfTheProducersTraceparent() async throws {
        let tracer = W3CTestTracer()
        let producer = W3CTestTracer.producerParent()
        try await withEngine(tracer: tracer) { client, keys in
            let id = try await JobProducer(client: client).enqueue(
                queue: keys.stream, type: "canary", arguments: CanaryArguments(),
                options: EnqueueOptions(traceparent: producer.description))
            try await waitUntil("outcome") { try await client.xlen(keys.results) == 1 }
            try await waitUntil("span ended") { self.jobSpans(tracer).count == 1 }
            let span = try #require(self.jobSpans(tracer).first)
            #expect(span.operationName == "job canary")
            #expect(span.traceID == producer.traceID)
            #expect(span.parentSpanID == producer.spanID)
            #expect(span.attributes["messaging.destination.name"]?.toSpanAttribute() == .string(keys.stream))
            #expect(span.attributes["blueprint.job.type"]?.toSpanAttribute() == .string("canary"))
            #expect(span.attributes["blueprint.job.id"]?.toSpanAttribute() == .string(id))
            #expect(span.attributes["blueprint.job.attempt"]?.toSpanAttribute() == .int64(1))
            #expect(span.attributes["blueprint.job.outcome"]?.toSpanAttribute() == .string("succeeded"))
            #expect(span.errors.isEmpty)
            #expect(span.status == nil)
        }
    }

    @Test func deadJobRecordsTheErrorAndItsRedisScriptIsAChild() async throws {
        let tracer = W3CTestTracer()
        let producer = W3CTestTracer.producerParent()
        try await withEngine(tracer: tracer) { client, keys in
            try await JobProducer(client: client).enqueue(
                queue: keys.stream, type: "canary", arguments: CanaryArguments(fail_permanently: true),
                options: EnqueueOptions(traceparent: producer.description))
            try await waitUntil("dead") { try await client.xlen(keys.dead) == 1 }
            try await waitUntil("span ended") { self.jobSpans(tracer).count == 1 }
            let span = try #require(self.jobSpans(tracer).first)
            #expect(span.parentSpanID == producer.spanID)
            #expect(span.attributes["blueprint.job.outcome"]?.toSpanAttribute() == .string("dead"))
            #expect(span.status?.code == .error)
            #expect(span.errors.count == 1)
            let recorded = span.errors.first.map { String(describing: $0.error) } ?? ""
            #expect(recorded.contains("canary asked to fail permanently"))
            let script = try #require(tracer.finishedSpans.first { $0.operationName == "EVALSHA dead" })
            #expect(script.kind == .client)
            #expect(script.traceID == producer.traceID)
            #expect(script.parentSpanID == span.spanID)
            #expect(script.attributes["db.system.name"]?.toSpanAttribute() == .string("redis"))
        }
    }

    @Test func eachAttemptIsASpanUnderTheSameProducerSpan() async throws {
        let tracer = W3CTestTracer()
        let producer = W3CTestTracer.producerParent()
        try await withEngine(tracer: tracer) { client, keys in
            try await JobProducer(client: client).enqueue(
                queue: keys.stream, type: "canary", arguments: CanaryArguments(fail_times: 1),
                options: EnqueueOptions(traceparent: producer.description))
            try await waitUntil("outcome") { try await client.xlen(keys.results) == 1 }
            try await waitUntil("spans ended") { self.jobSpans(tracer).count == 2 }
            let spans = self.jobSpans(tracer).sorted { "\($0.attributes["blueprint.job.attempt"]!)" < "\($1.attributes["blueprint.job.attempt"]!)" }
            #expect(spans.map { $0.parentSpanID } == [producer.spanID, producer.spanID])
            #expect(spans.map { $0.attributes["blueprint.job.outcome"]?.toSpanAttribute() } == [.string("retried"), .string("succeeded")])
            #expect(spans[0].status?.code == .error && spans[1].status == nil)
            let retry = try #require(tracer.finishedSpans.first { $0.operationName == "EVALSHA retry" })
            #expect(retry.parentSpanID == spans[0].spanID)
        }
    }

    @Test func theBatchWriteOfSuccessesIsASpanLinkedToEachJobSpan() async throws {
        let tracer = W3CTestTracer()
        let producers = (0..<5).map { _ in W3CTestTracer.producerParent() }
        try await withEngine(tracer: tracer) { client, keys in
            for producer in producers {
                try await JobProducer(client: client).enqueue(
                    queue: keys.stream, type: "canary", arguments: CanaryArguments(),
                    options: EnqueueOptions(traceparent: producer.description))
            }
            try await waitUntil("outcomes") { try await client.xlen(keys.results) == 5 }
            try await waitUntil("spans ended") {
                self.jobSpans(tracer).count == 5
                    && tracer.finishedSpans.filter { $0.operationName == JobTracing.recordOutcomesSpanName }
                        .reduce(0) { $0 + $1.links.count } == 5
            }
            let jobs = self.jobSpans(tracer)
            let writes = tracer.finishedSpans.filter { $0.operationName == JobTracing.recordOutcomesSpanName }
            // Every job span is linked from exactly one batch write, which is a new trace's root.
            let linked = writes.flatMap { $0.links.compactMap { $0.context.inMemorySpanContext?.spanID } }
            #expect(linked.sorted() == jobs.map(\.spanID).sorted())
            #expect(writes.allSatisfy { $0.parentSpanID == nil && $0.kind == .internal })
            #expect(writes.allSatisfy { $0.attributes["messaging.destination.name"]?.toSpanAttribute() == .string(keys.stream) })
            let counted = writes.map { $0.attributes["messaging.batch.message_count"]?.toSpanAttribute() }
            #expect(counted == writes.map { .int64(Int64($0.links.count)) })
            // The script call that records them is the write span's child.
            let scripts = tracer.finishedSpans.filter { $0.operationName == "EVALSHA complete" }
            #expect(Set(scripts.compactMap(\.parentSpanID)) == Set(writes.map(\.spanID)))
        }
    }

    @Test func invalidOrMissingTraceparentStartsANewTrace() async throws {
        let tracer = W3CTestTracer()
        try await withEngine(tracer: tracer) { client, keys in
            let producer = JobProducer(client: client)
            try await producer.enqueue(
                queue: keys.stream, type: "canary", arguments: CanaryArguments(),
                options: EnqueueOptions(traceparent: "00-" + String(repeating: "z", count: 5000)))
            try await producer.enqueue(queue: keys.stream, type: "canary", arguments: CanaryArguments())
            try await waitUntil("outcomes") { try await client.xlen(keys.results) == 2 }
            try await waitUntil("spans ended") { self.jobSpans(tracer).count == 2 }
            let spans = self.jobSpans(tracer)
            #expect(spans.allSatisfy { $0.parentSpanID == nil })
            #expect(spans.allSatisfy { $0.attributes["blueprint.job.outcome"]?.toSpanAttribute() == .string("succeeded") })
            #expect(spans.filter { $0.attributes["blueprint.job.traceparent_invalid"]?.toSpanAttribute() == .bool(true) }.count == 1)
            #expect(Set(spans.map(\.traceID)).count == 2)
        }
    }

    @Test func unknownTypeKeepsAGenericSpanName() async throws {
        let tracer = W3CTestTracer()
        try await withEngine(tracer: tracer) { client, keys in
            try await JobProducer(client: client).enqueue(queue: keys.stream, jobData: #"{"type":"no_such_\u0007type"}"#)
            try await waitUntil("dead") { try await client.xlen(keys.dead) == 1 }
            try await waitUntil("span ended") { self.jobSpans(tracer).count == 1 }
            let span = try #require(self.jobSpans(tracer).first)
            #expect(span.operationName == "job")
            #expect(span.attributes["blueprint.job.type"]?.toSpanAttribute() == .string("no_such_?type"))
            #expect(span.attributes["blueprint.job.outcome"]?.toSpanAttribute() == .string("dead"))
        }
    }

    @Test func producerWritesTheCurrentSpanAsTraceparent() async throws {
        let tracer = W3CTestTracer()
        try await withClient(TestRedis.configuration) { client in
            let queue = TestRedis.key("tracing-producer")
            try await withCleanup {
                let producer = JobProducer(client: client)
                let (inside, spanContext): (String, InMemorySpanContext?) = try await withTracer(tracer) {
                    try await withSpan("request", ofKind: .server) { span in
                        let id = try await producer.enqueue(queue: queue, type: "canary", arguments: CanaryArguments())
                        return (id, span.context.inMemorySpanContext)
                    }
                }
                let explicit = W3CTestTracer.producerParent()
                let given = try await withTracer(tracer) {
                    try await withSpan("request", ofKind: .server) { _ in
                        try await producer.enqueue(
                            queue: queue, type: "canary", arguments: CanaryArguments(), options: EnqueueOptions(traceparent: explicit.description))
                    }
                }
                let outside = try await producer.enqueue(queue: queue, type: "canary", arguments: CanaryArguments())
                let entries = try await client.xrange(queue)
                let byID = Dictionary(uniqueKeysWithValues: entries.map { ($0.id, $0.fields) })
                let context = try #require(spanContext)
                #expect(byID[inside]?["traceparent"] == "00-\(context.traceID)-\(context.spanID)-01")
                #expect(byID[given]?["traceparent"] == explicit.description, "the caller's value wins")
                #expect(byID[outside]?["traceparent"] == nil, "no span, no traceparent")
            } cleanup: {
                _ = try? await client.send(RESPCommand("DEL", [queue]))
            }
        }
    }
}
