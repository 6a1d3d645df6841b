import ClamAV
import Files
import Foundation
import Imaging
import JobEngine
import Logging
import OutboundHTTP
import RedisClient
import ServiceModule
import Storage
import TestSupport
import Testing

/// Everything a file job needs, on real servers: a processor on a small libvips pool, the SSRF-safe
/// fetcher (production settings: private addresses refused), a metadata cache under a private
/// Redis prefix (deleted afterwards) and a work directory.
struct FilesHarness {
    let service: FileProcessingService
    let redis: RedisClient
    let images: ImageProcessor
    let http: OutboundHTTPClient
    let scratch: String

    /// Builds the service with `storage` (local storage in `scratch/store` when `nil`).
    static func with<T: Sendable>(
        storage: (any ObjectStorage)? = nil, makeStorage: ((OutboundHTTPClient) throws -> any ObjectStorage)? = nil,
        scanner: ClamdClient? = nil, usage: (any UsageMeter)? = nil,
        makeFetcher: ((OutboundHTTPClient) throws -> SafeFetcher)? = nil,
        configure: (inout FileProcessingService) -> Void = { _ in },
        _ body: (FilesHarness) async throws -> T
    ) async throws -> T {
        let scratch = NSTemporaryDirectory() + "bp-files-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: scratch + "/work", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        return try await CPUWorkPool.withPool(threadCount: 2) { pool in
            let images = try ImageProcessor(pool: pool, logger: FilesTestEnv.logger)
            return try await withOutboundHTTP { http in
                try await withClient { redis in
                    let fetcher = try makeFetcher?(http)
                        ?? SafeFetcher(client: try PinnedFetch(sharing: http, logger: FilesTestEnv.logger), logger: FilesTestEnv.logger)
                    var cache = FileMetadataCache(redis: redis, ttl: .seconds(120))
                    cache.keyPrefix = "test:files:\(UUID().uuidString.prefix(8))"
                    let chosen = try storage ?? makeStorage?(http) ?? LocalStorage(directory: scratch + "/store")
                    var service = FileProcessingService(
                        storage: chosen, fetcher: fetcher, scanner: try scanner ?? FilesTestEnv.sharedScanner(), images: images,
                        cache: cache, usage: usage, workDirectory: scratch + "/work")
                    service.retryPolicy = RetryPolicy(maximumRetries: 3, baseDelay: .milliseconds(50), maximumDelay: .milliseconds(200))
                    configure(&service)
                    let harness = FilesHarness(service: service, redis: redis, images: images, http: http, scratch: scratch)
                    return try await withCleanup {
                        try await body(harness)
                    } cleanup: {
                        await Self.deleteKeys(redis, matching: "\(cache.keyPrefix):*")
                    }
                }
            }
        }
    }

    /// Deletes the keys matching `pattern` (SCAN, never KEYS or FLUSHDB on the shared server).
    static func deleteKeys(_ redis: RedisClient, matching pattern: String) async {
        var cursor = "0"
        repeat {
            guard let reply = try? await redis.send("SCAN", cursor, "MATCH", pattern, "COUNT", "1000").array, reply.count == 2 else { return }
            cursor = reply[0].string ?? "0"
            for key in reply[1].array ?? [] { if let key = key.string { _ = try? await redis.send("DEL", key) } }
        } while cursor != "0"
    }

    /// Writes `bytes` to a new file in the scratch directory.
    func file(_ bytes: [UInt8], name: String = UUID().uuidString) throws -> String {
        let path = self.scratch + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Uploads `bytes` under a fresh `uploads/...` key, as the main server would.
    func upload(_ bytes: [UInt8], ext: String = "bin", contentType: String = "application/octet-stream") async throws -> String {
        let key = try StorageKey(validating: "uploads/\(UUID().uuidString.lowercased()).\(ext)")
        let path = try self.file(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try await self.service.storage.put(key, fileAt: path, contentType: contentType)
        return key.rawValue
    }

    /// Runs an engine on a private queue with the service registered, for the duration of `body`.
    func withEngine<T: Sendable>(
        policies: [any JobPolicy] = [], _ body: (_ queue: String, _ producer: JobProducer) async throws -> T
    ) async throws -> T {
        let queue = FilesTestEnv.queue()
        var registry = JobRegistry()
        self.service.register(in: &registry, queues: [queue])
        var configuration = EngineConfiguration(
            workerID: "w-\(UUID().uuidString.prefix(6))", queues: [QueueConfiguration(keys: QueueKeys(queue: queue, group: "g"), concurrency: 4)])
        configuration.blockTime = .milliseconds(100)
        configuration.minIdle = .milliseconds(5000)
        configuration.heartbeatInterval = .milliseconds(300)
        configuration.reclaimInterval = .milliseconds(200)
        configuration.schedulerInterval = .milliseconds(20)
        configuration.shutdownGracePeriod = .seconds(5)
        configuration.policies = policies
        let engine = JobEngine(configuration: configuration, registry: registry, client: self.redis, logger: FilesTestEnv.logger)
        let redis = self.redis
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try? await engine.run() }
            let result: Result<T, any Error>
            do { result = .success(try await body(queue, JobProducer(client: redis))) } catch { result = .failure(error) }
            engine.stop()
            try await group.waitForAll()
            await Self.deleteKeys(redis, matching: "{\(queue)}*")
            _ = try? await redis.send("DEL", queue)
            return try result.get()
        }
    }

    /// Enqueues `jobs` (id -> job JSON) and waits for all their outcomes, by id.
    func run(
        _ jobs: [(id: String, json: String)], userID: String? = nil, timeout: Duration = .seconds(60)
    ) async throws -> [String: [String: String]] {
        try await self.withEngine { queue, producer in
            try await self.enqueueAndWait(jobs, queue: queue, producer: producer, userID: userID, timeout: timeout)
        }
    }

    func enqueueAndWait(
        _ jobs: [(id: String, json: String)], queue: String, producer: JobProducer, userID: String? = nil,
        timeout: Duration = .seconds(60)
    ) async throws -> [String: [String: String]] {
        for job in jobs {
            _ = try await producer.enqueue(queue: queue, jobData: job.json, options: .init(userID: userID, idempotencyKey: job.id))
        }
        let ids = Set(jobs.map(\.id))
        try await waitUntil("outcomes of \(ids.count) jobs", timeout: timeout) {
            ids.isSubset(of: try await Self.outcomes(self.redis, queue: queue).keys)
        }
        return try await Self.outcomes(self.redis, queue: queue)
    }

    /// The outcome entries of `queue`, by job id.
    static func outcomes(_ client: RedisClient, queue: String) async throws -> [String: [String: String]] {
        let entries = try await client.xrange(QueueKeys(queue: queue, group: "g").results)
        var result: [String: [String: String]] = [:]
        for entry in entries { result[entry.fields["job_id"] ?? entry.id] = entry.fields }
        return result
    }

    /// A job's result as JSON.
    static func json(_ outcome: [String: String]?) throws -> [String: Any] {
        let text = try #require(outcome?["result"], "no result in \(String(describing: outcome))")
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// A unique job id.
    static func id(_ name: String) -> String { "\(name)-\(UUID().uuidString.prefix(8).lowercased())" }
}
