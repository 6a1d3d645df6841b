import Foundation
import Hummingbird
import JobEngine
import NIOCore
import Logging
import Prometheus
import RedisClient

/// The worker's HTTP surface (DESIGN.md section 7): `/healthz`, `/readyz`, `/metrics`, the admin
/// API under `/api/` (bearer token) and the dashboard at `/`.
///
/// ``makeApplication(onServerRunning:)`` returns a Hummingbird application, which is a `Service`:
/// put it in the worker's `ServiceGroup` (after the engine, so it stops first on SIGTERM).
public struct WorkerHTTPServer: Sendable {
    /// Host, port and admin token.
    public var settings: ServerSettings
    /// The queues the API and metrics report on.
    public var inspector: QueueInspector
    /// The readiness check (the queues this worker consumes).
    public var readiness: ReadinessCheck
    /// Live workers.
    public var directory: WorkerDirectory
    /// Where `/metrics` reads from (engine counters and histograms are recorded here too).
    public var registry: PrometheusCollectorRegistry
    /// Jobs running in this process, by queue.
    public var runningJobs: @Sendable () -> [String: Int]
    /// Circuit breaker states (empty when no breakers are configured).
    public var breakers: @Sendable () async -> [BreakerState]
    /// The server's logger.
    public var logger: Logger
    /// Longest time a request waits for Redis.
    public var redisTimeout: Duration = .seconds(3)
    /// The periodic jobs with their next run (`GET /api/periodic`); none by default.
    public var periodic: @Sendable () async throws -> [PeriodicJobStatus] = { [] }

    /// Creates the server.
    public init(
        settings: ServerSettings, inspector: QueueInspector, readiness: ReadinessCheck, directory: WorkerDirectory,
        registry: PrometheusCollectorRegistry, runningJobs: @escaping @Sendable () -> [String: Int] = { [:] },
        breakers: @escaping @Sendable () async -> [BreakerState] = { [] }, logger: Logger
    ) {
        self.settings = settings
        self.inspector = inspector
        self.readiness = readiness
        self.directory = directory
        self.registry = registry
        self.runningJobs = runningJobs
        self.breakers = breakers
        self.logger = logger
    }

    /// The application to run (a `Service`), bound to `BLUEPRINT_HTTP_HOST:PORT`.
    public func makeApplication(
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: self.buildRouter(),
            configuration: .init(
                address: .hostname(self.settings.host, port: self.settings.port), serverName: "blueprint-worker"),
            onServerRunning: onServerRunning,
            logger: self.logger)
    }

    /// Every route.
    public func buildRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("/healthz") { _, _ in JSONResponse.make(.ok, ["status": "ok"]) }
        router.get("/readyz") { _, _ in
            let report = await self.readiness.check()
            return JSONResponse.make(report.ready ? .ok : .serviceUnavailable, report)
        }
        router.get("/metrics") { _, _ in await self.metrics() }
        router.get("/") { _, _ in
            DashboardAssets.response(DashboardAssets.html, contentType: "text/html; charset=utf-8")
        }
        router.get("/dashboard.js") { _, _ in
            DashboardAssets.response(DashboardAssets.script, contentType: "text/javascript; charset=utf-8")
        }
        router.get("/dashboard-scheduled.js") { _, _ in
            DashboardAssets.response(DashboardAssets.scheduledScript, contentType: "text/javascript; charset=utf-8")
        }
        router.get("/dashboard.css") { _, _ in
            DashboardAssets.response(DashboardAssets.style, contentType: "text/css; charset=utf-8")
        }

        let api = router.group("api").add(middleware: AdminAuthMiddleware(token: self.settings.adminToken))
        api.get("overview") { _, _ in
            try await self.redis {
                async let queues = self.inspector.allStats()
                async let workers = self.directory.live()
                let breakers = await self.breakers()
                return JSONResponse.make(
                    .ok,
                    Overview(
                        queues: try await queues, workers: try await workers, breakers: breakers,
                        time: self.inspector.now()))
            }
        }
        api.get("queues") { _, _ in
            try await self.redis { JSONResponse.make(.ok, ["queues": try await self.inspector.allStats()]) }
        }
        api.get("queues/:queue") { _, context in
            let keys = try self.queue(context)
            return try await self.redis { JSONResponse.make(.ok, try await self.inspector.stats(keys)) }
        }
        api.get("queues/:queue/pending") { request, context in
            let keys = try self.queue(context)
            let count = try Self.count(request)
            return try await self.redis {
                JSONResponse.make(.ok, ["pending": try await self.inspector.pending(keys, count: count)])
            }
        }
        api.post("queues/:queue/pause") { _, context in
            let keys = try self.queue(context)
            return try await self.redis {
                try await self.inspector.pause(keys)
                self.logger.notice("queue paused through the admin API", metadata: ["queue": "\(keys.stream)"])
                return JSONResponse.make(.ok, ["queue": keys.stream, "state": "paused"])
            }
        }
        api.post("queues/:queue/resume") { _, context in
            let keys = try self.queue(context)
            return try await self.redis {
                try await self.inspector.resume(keys)
                self.logger.notice("queue resumed through the admin API", metadata: ["queue": "\(keys.stream)"])
                return JSONResponse.make(.ok, ["queue": keys.stream, "state": "running"])
            }
        }
        api.get("queues/:queue/dead") { request, context in
            let keys = try self.queue(context)
            let count = try Self.count(request)
            let afterText = request.uri.queryParameters.get("after").map { String($0) }
            let after = afterText.flatMap { DeadLetterCursor($0) }
            if afterText != nil, after == nil {
                throw HTTPError(.badRequest, message: "after must be a stream ID like 1700000000000-0, or a next_after value")
            }
            let only = try self.partition(request, keys)
            return try await self.redis {
                let letters = try await self.inspector.deadLetters(keys, partition: only, after: after, count: count)
                return JSONResponse.make(
                    .ok,
                    DeadLetterPage(
                        queue: keys.stream,
                        dead: letters.map { DeadLetterPage.Item(id: $0.letter.id, fields: $0.letter.fields, partition: $0.partition) },
                        nextAfter: letters.count == count
                            ? letters.last.map { DeadLetterCursor(id: $0.letter.id, partition: $0.partition).description } : nil))
            }
        }
        api.post("queues/:queue/dead/replay") { request, context in
            let keys = try self.queue(context)
            let selection = try await Self.selection(request, context)
            let stores = try self.deadLetterStores(keys, partition: selection.partition)
            return try await self.redis {
                var n = 0
                for store in stores {
                    n += selection.all == true ? try await store.replayAll() : try await store.replay(ids: selection.ids ?? [])
                }
                self.logger.notice(
                    "dead letters replayed through the admin API",
                    metadata: ["queue": "\(keys.stream)", "count": "\(n)"])
                return JSONResponse.make(.ok, ["replayed": n])
            }
        }
        api.post("queues/:queue/dead/purge") { request, context in
            let keys = try self.queue(context)
            let selection = try await Self.selection(request, context)
            let stores = try self.deadLetterStores(keys, partition: selection.partition)
            return try await self.redis {
                var n = 0
                for store in stores {
                    n += selection.all == true ? try await store.purgeAll() : try await store.purge(ids: selection.ids ?? [])
                }
                self.logger.notice(
                    "dead letters purged through the admin API", metadata: ["queue": "\(keys.stream)", "count": "\(n)"])
                return JSONResponse.make(.ok, ["purged": n])
            }
        }
        api.get("queues/:queue/stats") { request, context in
            let keys = try self.queue(context)
            let minutes = try Self.boundedInteger(request, "minutes", default: 60, range: 1...QueueInspector.maximumStatsMinutes)
            return try await self.redis { JSONResponse.make(.ok, try await self.inspector.statsSeries(keys, minutes: minutes)) }
        }
        api.get("queues/:queue/delayed") { request, context in
            let keys = try self.queue(context)
            let limit = try Self.boundedInteger(request, "limit", default: 50, range: 1...1000)
            return try await self.redis { JSONResponse.make(.ok, try await self.inspector.delayed(keys, limit: limit)) }
        }
        api.get("jobs/:id") { request, context in
            let id = try Self.jobID(context)
            var locator = JobLocator(inspector: self.inspector)
            if let name = request.uri.queryParameters.get("queue").map({ String($0) }) {
                locator.queues = try self.physicalQueues(named: name)
            }
            let search = locator
            return try await self.redis {
                guard let location = try await search.locate(id) else {
                    return JSONResponse.error(
                        .notFound,
                        "no job with this ID in any queue (finished jobs are found while the results stream holds them; long streams are searched up to 10000 entries)")
                }
                return JSONResponse.make(.ok, location)
            }
        }
        api.get("workers") { _, _ in
            try await self.redis { JSONResponse.make(.ok, ["workers": try await self.directory.live()]) }
        }
        api.get("breakers") { _, _ in JSONResponse.make(.ok, ["breakers": await self.breakers()]) }
        api.get("periodic") { _, _ in
            try await self.redis {
                async let delayed = self.inspector.delayedCounts()
                let periodic = try await self.periodic()
                return JSONResponse.make(
                    .ok, ScheduledOverview(periodic: periodic, delayed: try await delayed, time: self.inspector.now()))
            }
        }
        return router
    }

    /// Prometheus text: engine counters, then gauges read now.
    func metrics() async -> Response {
        let inspector = self.inspector
        let stats = try? await withDeadline(self.redisTimeout) { try await inspector.allStats() }
        QueueGauges(registry: self.registry).update(
            stats: stats, running: self.runningJobs(), breakers: await self.breakers())
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: self.registry.emitToBuffer())))
    }

    /// Runs a Redis operation for a request: 503 with a clear message when Redis does not answer.
    func redis(_ body: @escaping @Sendable () async throws -> Response) async throws -> Response {
        do {
            return try await withDeadline(self.redisTimeout, body)
        } catch let error as HTTPError {
            throw error
        } catch let error as RedisServerError {
            return JSONResponse.error(.internalServerError, "redis error: \(error.message)")
        } catch {
            return JSONResponse.error(.serviceUnavailable, "redis unavailable: \(error)")
        }
    }

    func queue(_ context: BasicRequestContext) throws -> QueueKeys {
        let name = context.parameters.get("queue") ?? ""
        guard let keys = self.inspector.keys(for: name) else { throw self.unknownQueue(name) }
        return keys
    }

    /// The 404 for a queue name the worker does not serve, listing those it does.
    private func unknownQueue(_ name: String) -> HTTPError {
        HTTPError(
            .notFound,
            message: "unknown queue '\(String(name.prefix(64)))'; known: \(self.inspector.queues.map(\.stream).joined(separator: ", "))")
    }

    /// The physical queues a `queue` query parameter names: a logical queue (all its partitions)
    /// or one partition's stream (`email_queue~2`); 404 for any other name.
    func physicalQueues(named name: String) throws -> [QueueKeys] {
        // The logical name first: partition 0's stream is the logical queue's own name.
        if let keys = self.inspector.keys(for: name) { return self.inspector.partitionKeys(keys) }
        if let partition = self.inspector.physicalQueues.first(where: { $0.stream == name }) {
            return [partition]
        }
        throw self.unknownQueue(name)
    }

    /// The `partition` query parameter: `nil` when absent; 400 unless it is 0..<N of the queue.
    func partition(_ request: Request, _ keys: QueueKeys) throws -> Int? {
        guard let text = request.uri.queryParameters.get("partition") else { return nil }
        let count = self.inspector.partitionKeys(keys).count
        guard text.count <= 4, let partition = Int(text), (0..<count).contains(partition) else {
            throw HTTPError(.badRequest, message: "partition must be 0...\(count - 1)")
        }
        return partition
    }

    /// The dead-letter stores of every partition of `keys`, or of one; 400 for a partition outside 0..<N.
    func deadLetterStores(_ keys: QueueKeys, partition: Int?) throws -> [DeadLetterStore] {
        let all = self.inspector.partitionKeys(keys)
        if let partition {
            guard (0..<all.count).contains(partition) else {
                throw HTTPError(.badRequest, message: "partition must be 0...\(all.count - 1)")
            }
            return [DeadLetterStore(keys: all[partition], client: self.inspector.client)]
        }
        return all.map { DeadLetterStore(keys: $0, client: self.inspector.client) }
    }

    static func count(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters.get("count") else { return 50 }
        guard let count = Int(text), (1...1000).contains(count) else {
            throw HTTPError(.badRequest, message: "count must be 1...1000")
        }
        return count
    }

    /// An optional integer query parameter within `range`; 400 otherwise.
    static func boundedInteger(_ request: Request, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = request.uri.queryParameters.get(name) else { return value }
        guard text.count <= 9, let number = Int(text), range.contains(number) else {
            throw HTTPError(.badRequest, message: "\(name) must be \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    /// The `{id}` of `/api/jobs/{id}`: 1 to 256 printable characters, no spaces; 400 otherwise.
    static func jobID(_ context: BasicRequestContext) throws -> String {
        // Hummingbird hands path parameters over still percent-encoded (the page encodes the ID).
        let id = (context.parameters.get("id") ?? "").removingPercentEncoding ?? ""
        guard (1...256).contains(id.utf8.count),
            id.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && !($0.value >= 0x80 && $0.value < 0xA0) })
        else {
            throw HTTPError(.badRequest, message: "a job ID is 1 to 256 printable characters without spaces")
        }
        return id
    }

    static func selection(_ request: Request, _ context: BasicRequestContext) async throws -> DeadLetterSelection {
        let selection = try await request.decode(as: DeadLetterSelection.self, context: context)
        let ids = selection.ids ?? []
        guard (selection.all == true) != !ids.isEmpty else {
            throw HTTPError(.badRequest, message: "give {\"ids\": [...]} or {\"all\": true} (not both)")
        }
        guard ids.count <= 10_000, ids.allSatisfy(Self.isStreamID) else {
            throw HTTPError(.badRequest, message: "ids must be at most 10000 stream IDs like 1700000000000-0")
        }
        return selection
    }

    static func isStreamID(_ text: String) -> Bool {
        DeadLetterCursor.isEntryID(text[...])
    }
}
