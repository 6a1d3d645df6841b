import Files
import Foundation
import Policies
import RedisClient
import Storage
import TestSupport
import Testing

/// The per-user upload limit (`upload=10MB/1d`) charged by the jobs through ``RateLimitUsageMeter``,
/// on the real limiter in Redis with a test clock.
@Suite(.enabled(if: FilesTestEnv.suitesRun, "needs redis and the clamd of scripts/test-servers/clamd.sh"))
struct UploadQuotaTests {
    static let megabyte = 1 << 20

    @Test("jobs pass until 10 MB, the next is rate_limited, a day later it passes; a retried job is charged once")
    func uploadLimit() async throws {
        let now = LockedBox<Int64>(1_800_000_000_000)
        let prefix = "test:limit:\(UUID().uuidString.prefix(8))"
        let local = NSTemporaryDirectory() + "bp-files-quota-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: local) }
        let storage = CountingStorage(LocalStorage(directory: local))
        try await withClient { limiterRedis in
            let limiter = RateLimiter(client: limiterRedis, keyPrefix: prefix, now: { now.current })
            let rules = RateLimitRules(
                limits: ["upload": try RateLimit(action: "upload", parsing: "10MB/1d")],
                actions: ["process_document": "upload", "optimize_image": "upload"])
            let meter = RateLimitUsageMeter(limiter: limiter, rules: rules)
            try await withCleanup {
                try await FilesHarness.with(storage: storage, usage: meter) { harness in
                    let user = "u-\(UUID().uuidString.prefix(8))", other = "o-\(UUID().uuidString.prefix(8))"
                    func job(_ bytes: [UInt8]) async throws -> String {
                        #"{"type":"process_document","source":\#(quoted(try await harness.upload(bytes, ext: "pdf"))),"kind":"certificate"}"#
                    }
                    try await harness.withEngine { queue, producer in
                        // 6 MB whose first store fails (transient): retried under the same job id.
                        let retried = FilesHarness.id("retried")
                        let firstBytes = FileSamples.pdf(pages: 1, padding: 6 * Self.megabyte - 4000)
                        let first = try await job(firstBytes)
                        storage.failNextPuts(1)
                        var outcomes = try await harness.enqueueAndWait([(retried, first)], queue: queue, producer: producer, userID: user)
                        #expect(outcomes[retried]?["status"] == "succeeded", "\(String(describing: outcomes[retried]))")
                        #expect(outcomes[retried]?["attempts"] == "2", "the first attempt failed to store")
                        // 4 MB more: 10 MB in all (less a few KB) fits only if the retry was not charged twice.
                        let fits = FilesHarness.id("fits")
                        let fitsBytes = FileSamples.pdf(pages: 1, padding: 4 * Self.megabyte - 4000)
                        outcomes = try await harness.enqueueAndWait(
                            [(fits, try await job(fitsBytes))],
                            queue: queue, producer: producer, userID: user)
                        #expect(outcomes[fits]?["status"] == "succeeded", "\(String(describing: outcomes[fits]))")
                        // Over the limit: rejected, not stored, not dead.
                        let over = FilesHarness.id("over")
                        let putsBefore = storage.puts.count
                        outcomes = try await harness.enqueueAndWait(
                            [(over, try await job(FileSamples.pdf(pages: 1, padding: 20_000)))], queue: queue, producer: producer, userID: user)
                        #expect(outcomes[over]?["status"] == "rejected", "\(String(describing: outcomes[over]))")
                        let error = outcomes[over]?["error"] ?? "-"
                        #expect(error.hasPrefix("rate_limited: limit of 10MB upload per 1d reached for this user"), "\(error)")
                        // Charged exactly once per job: the retried job's bytes count once.
                        #expect(error.contains("(\(firstBytes.count + fitsBytes.count) used)"), "\(error)")
                        #expect(storage.puts.count == putsBefore + 1, "only the upload itself was put")
                        // Another user is not affected.
                        let someoneElse = FilesHarness.id("other")
                        outcomes = try await harness.enqueueAndWait(
                            [(someoneElse, try await job(FileSamples.pdf(pages: 1, padding: 20_000)))], queue: queue, producer: producer, userID: other)
                        #expect(outcomes[someoneElse]?["status"] == "succeeded", "\(String(describing: outcomes[someoneElse]))")
                        // A day later the window has rolled over.
                        now.withLock { $0 += 86_400_000 + 1000 }
                        let later = FilesHarness.id("later")
                        outcomes = try await harness.enqueueAndWait(
                            [(later, try await job(FileSamples.pdf(pages: 1, padding: 20_000)))], queue: queue, producer: producer, userID: user)
                        #expect(outcomes[later]?["status"] == "succeeded", "\(String(describing: outcomes[later]))")
                    }
                }
            } cleanup: {
                await FilesHarness.deleteKeys(limiterRedis, matching: "\(prefix):*")
            }
        }
    }
}
