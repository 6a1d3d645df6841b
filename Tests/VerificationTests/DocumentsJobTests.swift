import Foundation
import JobEngine
import OCR
import RedisClient
import TestSupport
import Testing

@testable import Verification

/// review_document end to end: Redis Streams -> engine -> handler -> real tesseract -> outcome.
@Suite(
    .enabled(
        if: TestServers.shouldRun(ProcessInfo.processInfo.environment["REDIS_PORT"] != nil && TestPages.available),
        "needs the redis-server of scripts/test.sh and tesseract kor+eng"))
struct DocumentsJobTests {
    @Test func outcomesOnTheResultsStream() async throws {
        let directory = try makeTemporaryDirectory("documents-job")
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = try TestPages.render(DocumentsTestEnv.business, name: "business", in: directory)
        let garbage = directory.appendingPathComponent("garbage.jpg").path
        try Data((0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: URL(fileURLWithPath: garbage))

        let queue = "t_docs_\(UUID().uuidString.prefix(8))"
        var registry = JobRegistry()
        try await DocumentsTestEnv.service().register(in: &registry, queues: [queue])
        #expect(registry.handler(for: "review_document")?.queues == [queue])

        try await withClient { client in
            try await withCleanup {
                try await withDocumentsEngine(queue: queue, registry: registry, client: client) {
                    let producer = JobProducer(client: client)
                    let jobs: [(String, String)] = [
                        (
                            "ok",
                            #"{"type":"review_document","source":"file:\#(page)","kind":"business_registration","expect":{"number":"124-81-00998"}}"#
                        ),
                        (
                            "garbage",
                            #"{"type":"review_document","source":"bytes:\#(garbage)","kind":"business_registration"}"#
                        ),
                        ("pdf", #"{"type":"review_document","source":"pdf-unrenderable","kind":"degree_certificate"}"#),
                        ("kind", #"{"type":"review_document","source":"file:\#(page)","kind":"passport"}"#),
                        ("nosource", #"{"type":"review_document","kind":"degree_certificate"}"#),
                        (
                            "badnumber",
                            #"{"type":"review_document","source":"file:\#(page)","kind":"business_registration","expect":{"number":"124-81-00997"}}"#
                        ),
                    ]
                    for (key, job) in jobs {
                        _ = try await producer.enqueue(
                            queue: queue, jobData: job, options: .init(idempotencyKey: "\(key)-\(queue)"))
                    }
                    let keys = QueueKeys(queue: queue, group: "g")
                    var results: [String: [String: String]] = [:]
                    try await waitUntil("all outcomes", timeout: .seconds(120)) {
                        results = [:]
                        for entry in try await client.xrange(keys.results) {
                            results[entry.fields["job_id"] ?? entry.id] = entry.fields
                        }
                        return results.count == jobs.count
                    }
                    func outcome(_ key: String) -> [String: String] { results["\(key)-\(queue)"] ?? [:] }
                    #expect(outcome("ok")["status"] == "succeeded")
                    let json = try #require(outcome("ok")["result"]?.data(using: .utf8))
                    let result = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
                    #expect(result["verdict"] as? String == "auto_approved")
                    #expect(result["kind"] as? String == "business_registration")
                    #expect((result["fields"] as? [String: String])?["registration_number"] == "124-81-00998")
                    #expect(result["pages"] as? Int == 1)
                    #expect(result["reasons"] as? [String] == [])
                    #expect((result["confidence"] as? Double ?? 0) >= 0.8)

                    #expect(outcome("garbage")["status"] == "dead")
                    #expect(outcome("garbage")["attempts"] == "1", "bad input is not retried")
                    #expect(outcome("garbage")["error"]?.contains("unreadable document") == true)
                    #expect(outcome("pdf")["status"] == "dead")
                    #expect(outcome("pdf")["error"]?.contains("no PDF renderer") == true)
                    #expect(outcome("kind")["error"]?.contains("argument 'kind' must be one of") == true)
                    #expect(outcome("nosource")["error"]?.contains("missing argument 'source'") == true)
                    #expect(outcome("badnumber")["error"]?.contains("not a valid business registration number") == true)
                }
            } cleanup: {
                let keys = QueueKeys(queue: queue, group: "g")
                _ = try? await client.send(
                    "DEL", keys.stream, keys.results, keys.dead, keys.delayed, keys.idempotency, keys.idempotencyIndex)
            }
        }
    }
}
