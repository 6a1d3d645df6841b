import ClamAV
import Files
import Foundation
import JobEngine
import Policies
import Storage
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// clamd killed while file jobs run: the jobs fail as `clamd` dependency failures, the breaker
/// opens and defers them, none is lost or dead (nothing is stored unscanned); once clamd is back,
/// every job succeeds.
@Suite(
    .enabled(if: FilesTestEnv.suitesRun && TestClamd.databaseDirectory != nil, "needs redis, clamd and CLAMD_TEST_DATABASE"),
    .serialized)
struct ClamdOutageTests {
    @Test("clamd SIGKILLed mid-run: breaker opens, jobs deferred, none dead; restarted: all succeed, all scanned")
    func clamdKilledThenBack() async throws {
        var clamd = try await PrivateClamd.start()
        defer { clamd.stop() }
        let port = clamd.port
        let scanner = clamd.client(timeout: .seconds(10))
        var breakerConfiguration = CircuitBreakerConfiguration()
        breakerConfiguration.consecutiveFailures = 3
        breakerConfiguration.openDuration = .milliseconds(300)
        breakerConfiguration.halfOpenProbes = 1
        breakerConfiguration.halfOpenRetryDelay = .milliseconds(100)
        let breakers = CircuitBreakerRegistry(configuration: breakerConfiguration, logger: FilesTestEnv.logger)
        let local = NSTemporaryDirectory() + "bp-files-outage-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: local) }
        let storage = CountingStorage(LocalStorage(directory: local))
        try await FilesHarness.with(storage: storage, scanner: scanner, configure: {
            $0.retryPolicy = RetryPolicy(maximumRetries: 200, baseDelay: .milliseconds(50), maximumDelay: .milliseconds(300))
        }) { harness in
            try await harness.withEngine(policies: [CircuitBreakerPolicy(breakers: breakers)]) { queue, producer in
                // One job while clamd is up: scanned and stored.
                let warm = FilesHarness.id("warm")
                let before = try await harness.enqueueAndWait(
                    [(warm, #"{"type":"process_document","source":\#(quoted(try await harness.upload(FileSamples.pdf(pages: 1, padding: 100), ext: "pdf"))),"kind":"certificate"}"#)],
                    queue: queue, producer: producer)
                #expect(before[warm]?["status"] == "succeeded", "\(String(describing: before[warm]))")
                let storedBefore = storage.puts.filter { $0.hasPrefix("documents/") }.count

                // Frozen first: the kernel still accepts connections, so the jobs get as far as the
                // scan and wait there; then killed while they are mid-scan.
                clamd.signal(SIGSTOP)
                var ids: [String] = []
                let eicarSource = try await harness.upload(FileSamples.eicarPDF(), ext: "pdf")
                let infected = FilesHarness.id("infected")
                _ = try await producer.enqueue(
                    queue: queue, jobData: #"{"type":"process_document","source":\#(quoted(eicarSource)),"kind":"certificate"}"#,
                    options: .init(idempotencyKey: infected))
                for index in 0..<6 {
                    let source = try await harness.upload(FileSamples.pdf(pages: 1 + index % 3, padding: 1000 + index), ext: "pdf")
                    let id = FilesHarness.id("job\(index)")
                    ids.append(id)
                    _ = try await producer.enqueue(
                        queue: queue, jobData: #"{"type":"process_document","source":\#(quoted(source)),"kind":"certificate"}"#,
                        options: .init(idempotencyKey: id))
                }
                try await waitUntil("jobs in flight, waiting on the frozen clamd") {
                    guard let reply = try await harness.redis.send("XPENDING", queue, "g").array, case .integer(let pending)? = reply.first
                    else { return false }
                    return pending >= 4
                }
                clamd.signal(SIGKILL)
                try await waitUntil("clamd to die") { !clamd.isRunning }
                try await waitUntil("the clamd breaker to open", timeout: .seconds(30)) {
                    breakers.snapshot(of: FileProcessingService.scannerDependency).opened > 0
                }
                try await waitUntil("jobs deferred", timeout: .seconds(30)) {
                    breakers.snapshot(of: FileProcessingService.scannerDependency).deferred > 0
                }
                #expect(breakers.snapshot(of: FileProcessingService.scannerDependency).state != .closed)
                let during = try await FilesHarness.outcomes(harness.redis, queue: queue)
                #expect(during.count == 1, "no outcome (none dead, none stored unscanned) while clamd is down: \(during)")
                #expect(storage.puts.filter { $0.hasPrefix("documents/") }.count == storedBefore, "nothing stored unscanned")
                #expect(try await harness.redis.zcard("{\(queue)}:delayed") > 0, "retries wait in the delayed set")

                clamd.stop()
                clamd = try await PrivateClamd.start(port: port)
                try await waitUntil("every job to finish after clamd is back", timeout: .seconds(60)) {
                    try await FilesHarness.outcomes(harness.redis, queue: queue).count == ids.count + 2
                }
                let results = try await FilesHarness.outcomes(harness.redis, queue: queue)
                for id in ids {
                    #expect(results[id]?["status"] == "succeeded", "\(id): \(String(describing: results[id]))")
                }
                #expect(ids.contains { Int(results[$0]?["attempts"] ?? "1") ?? 1 > 1 }, "jobs were retried")
                #expect(results[infected]?["status"] == "rejected", "scanned once clamd was back: \(String(describing: results[infected]))")
                #expect(results[infected]?["error"]?.hasPrefix("infected: Eicar-Test-Signature") == true)
                #expect(results.values.allSatisfy { $0["status"] != "dead" })
                #expect(storage.puts.filter { $0.hasPrefix("documents/") }.count == storedBefore + ids.count)
                try await waitUntil("the breaker to close") {
                    breakers.snapshot(of: FileProcessingService.scannerDependency).state == .closed
                }
            }
        }
    }
}
