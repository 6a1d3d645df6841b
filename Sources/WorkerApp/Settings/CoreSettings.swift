import Foundation
import JobEngine
import Logging
import RedisClient
import SettingsModel

/// The worker's own settings (Redis, engine, logging, alerts), validated with one clear line per
/// bad value.
public struct CoreSettings: Sendable {
    /// The Redis connection.
    public var redis: RedisConfiguration
    /// The engine (queues, intervals, limits); policies and metrics are added by the wiring.
    public var engine: EngineConfiguration
    /// The log level.
    public var logLevel: Logger.Level
    /// Dead-letter alert webhook, if any.
    public var alertWebhookURL: String?
    /// At most one alert per interval.
    public var alertInterval: Duration = .seconds(60)
    /// Per-user limits, encryption keys, circuit breakers.
    public var policies: PolicySettings
    /// Jobs enqueued on a cron schedule (`BLUEPRINT_PERIODIC`).
    public var periodic: [PeriodicJob] = []
    /// Partition counts of the queues (`BLUEPRINT_PARTITIONS`); ``engine`` already has one queue per partition.
    public var partitions: QueuePartitions = .none

    // MARK: - Declarations

    static let redisURL = Setting(
        "REDIS_URL", .url, default: "redis://127.0.0.1:6379/0", secret: true,
        help: "`redis://[user:pass@]host:port[/db]`, `rediss://` for TLS, or `unix:///path/redis.sock`; "
            + "a Redis Cluster: `redis+cluster://[user:pass@]host:port,host:port` (any nodes as seeds; `rediss+cluster://` for TLS); "
            + "Sentinel: `redis+sentinel://host:port,host:port/mastername` (docs/operations.md).")
    static let workerID = Setting(
        "BLUEPRINT_WORKER_ID", defaultDescription: "`hostname-pid`", help: "Consumer name of this process in the groups.")
    static let queues = Setting(
        "BLUEPRINT_QUEUES", defaultDescription: "every queue the modules declare", help: "Comma list of the queues this process consumes.")
    static let concurrency = Setting(
        "BLUEPRINT_CONCURRENCY", defaultDescription: "per queue, as its module declares (email/SMS 256, verification 32, files 8)",
        help: "Jobs in flight per process: one number for every queue, or `queue=n` pairs (`email_queue=64,sms_queue=16`).")
    static let partitionsSetting = Setting(
        "BLUEPRINT_PARTITIONS", defaultDescription: "none (one stream per queue)",
        help: "Partitioned queues: `queue=n` pairs (`email_queue=4,sms_queue=2`, n in 1...256). Partition 0 is the queue itself, "
            + "partition i is `queue~i`, each with its own keys and Redis Cluster slot; producers must use the same counts "
            + "(docs/protocol.md, \"Partitioned queues\"). Each partition gets `ceil(concurrency / n)` slots.")
    static let logLevelSetting = Setting(
        "BLUEPRINT_LOG_LEVEL", .choice(["trace", "debug", "info", "notice", "warning", "warn", "error", "critical"]), default: "info",
        help: "`debug`, `info`, `warning` or `error`.")
    static let blockMilliseconds = Setting(
        "BLUEPRINT_BLOCK_MS", .integer(10...60_000), default: "2000", help: "`XREADGROUP ... BLOCK` time in ms.")
    static let minIdle = Setting(
        "BLUEPRINT_MIN_IDLE_MS", .integer(100...86_400_000), default: "30000",
        help: "Entries of a consumer that stopped renewing them for this long (ms) are reclaimed.")
    static let heartbeat = Setting(
        "BLUEPRINT_HEARTBEAT_MS", .integer(20...86_400_000), defaultDescription: "a third of `BLUEPRINT_MIN_IDLE_MS`",
        help: "How often running jobs' claims are renewed (ms); below `BLUEPRINT_MIN_IDLE_MS`.")
    static let reclaim = Setting(
        "BLUEPRINT_RECLAIM_MS", .integer(50...3_600_000), default: "5000", help: "How often each queue looks for stale entries (ms).")
    static let maximumDeliveries = Setting(
        "BLUEPRINT_MAX_DELIVERIES", .integer(1...1000), default: "5",
        help: "Deliveries without finishing after which a job is dead-lettered (it keeps crashing workers).")
    static let shutdownGrace = Setting(
        "BLUEPRINT_SHUTDOWN_GRACE_MS", .integer(0...3_600_000), default: "25000",
        help: "Time running jobs get after SIGTERM (ms); the rest stay pending for another worker.")
    static let consumerIdle = Setting(
        "BLUEPRINT_CONSUMER_IDLE_MS", .integer(1000...604_800_000), default: "3600000",
        help: "Consumers idle this long with nothing pending are removed from the group (ms).")
    static let scheduler = Setting(
        "BLUEPRINT_SCHEDULER_MS", .integer(10...60_000), default: "200", help: "How often due retries are moved back onto their streams (ms).")
    static let maximumPayload = Setting(
        "BLUEPRINT_MAX_PAYLOAD_BYTES", .integer(1024...(64 << 20)), default: "1048576", help: "Largest `job_data` accepted (bytes).")
    static let jobIndex = Setting(
        "BLUEPRINT_JOB_INDEX_SECONDS", .integer(0...604_800), default: "0",
        help: "How long a finished job stays findable by ID in one read (`{queue}:job:<id>`; seconds). `0` (default): no index; a lookup scans the results from the job's enqueue time (an entry-ID job ID), then the newest 10000. The index costs a key per job (about 180 bytes for its lifetime: 1.5 GB a day at 100 jobs/s) and about 7 µs of Redis CPU per job (a third of a drain's Redis time).")
    static let jobsOnEventLoop = Setting(
        "BLUEPRINT_JOBS_ON_EVENT_LOOP", .boolean, default: "1",
        help: "`1`: each queue's reader and jobs run on one event loop of the Redis client (no thread wake-up per job); queues a module declares CPU-bound never do. `0`: every job on the cooperative pool.")
    static let dataDirectory = Setting(
        "BLUEPRINT_VAR_DIR", .path, default: "var",
        help: "Directory of local state (mail and SMS outboxes, local storage) where their own settings name none.")
    static let alertWebhook = Setting(
        "BLUEPRINT_ALERT_WEBHOOK_URL", .url, secret: true,
        help: "Webhook (Slack-compatible JSON) told about dead letters, at most once a minute plus a summary.")

    /// The worker's own settings sections.
    public static let groups: [SettingGroup] = [
        SettingGroup("Redis", summary: "The Redis server the queues live on.", settings: [redisURL]),
        SettingGroup(
            "Engine", summary: "Consumers, retries, recovery and shutdown.",
            settings: [workerID, queues, partitionsSetting, concurrency, jobsOnEventLoop, dataDirectory, blockMilliseconds, minIdle, heartbeat, reclaim, maximumDeliveries, shutdownGrace,
                       consumerIdle, scheduler, maximumPayload, jobIndex]),
        SettingGroup("Logging and alerts", summary: "JSON log lines and dead-letter alerts.", settings: [logLevelSetting, alertWebhook]),
    ]

    // MARK: - Parsing

    /// Reads the settings, reporting every bad value on `values`.
    static func parse(_ values: inout SettingValues, catalog: ModuleCatalog) -> CoreSettings {
        var redis = RedisConfiguration()
        do {
            redis = try RedisConfiguration(url: values.string(Self.redisURL) ?? "redis://127.0.0.1:6379/0")
        } catch let error as RedisClientError {
            values.report("REDIS_URL: \(error.message)")
        } catch {
            values.report("REDIS_URL: \(error)")
        }

        let workerID = values.raw(Self.workerID.name) ?? EngineConfiguration.defaultWorkerID()
        if workerID.utf8.count > 200 || workerID.contains(where: { $0.isWhitespace || $0.isNewline }) {
            values.report("BLUEPRINT_WORKER_ID must be at most 200 characters without spaces")
        }
        redis.clientName = "blueprint:" + workerID.filter { !$0.isWhitespace }

        let queueNames = values.raw(Self.queues.name)?
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            ?? catalog.queues.map(\.name)
        for name in queueNames where name.contains(where: { $0 == "{" || $0 == "}" || $0 == QueuePartitions.separator || $0.isWhitespace }) {
            values.report("BLUEPRINT_QUEUES: queue name '\(name)' may not contain braces, '~' or spaces")
        }
        var partitions = QueuePartitions.none
        if let text = values.raw(Self.partitionsSetting.name) {
            do {
                partitions = try QueuePartitions.parse(text, knownQueues: Set(queueNames))
            } catch {
                values.report(error.message)
            }
        }
        var concurrency: [String: Int] = [:]
        if let text = values.raw(Self.concurrency.name) {
            if let n = Int(text) {
                if (1...10_000).contains(n) { for q in queueNames { concurrency[q] = n } } else {
                    values.report("BLUEPRINT_CONCURRENCY must be in 1...10000")
                }
            } else {
                for pair in text.split(separator: ",") {
                    let parts = pair.split(separator: "=")
                    if parts.count == 2, let n = Int(parts[1]), (1...10_000).contains(n) {
                        concurrency[String(parts[0]).trimmingCharacters(in: .whitespaces)] = n
                    } else {
                        values.report("BLUEPRINT_CONCURRENCY must be a number or queue=n pairs, e.g. email_queue=64,sms_queue=16")
                        break
                    }
                }
            }
        }
        let queues = partitions.expand(queueNames.map {
            QueueConfiguration(
                keys: catalog.keys(for: $0), concurrency: concurrency[$0] ?? catalog.defaultConcurrency(for: $0),
                runsJobsOnEventLoop: !catalog.isCPUBound($0))
        })

        var engine = EngineConfiguration(workerID: workerID, queues: queues)
        engine.blockTime = .milliseconds(values.int(Self.blockMilliseconds) ?? 2000)
        engine.minIdle = .milliseconds(values.int(Self.minIdle) ?? 30_000)
        engine.heartbeatInterval = .milliseconds(values.int(Self.heartbeat) ?? max(50, Int(engine.minIdle.milliseconds / 3)))
        if engine.heartbeatInterval >= engine.minIdle {
            values.report("BLUEPRINT_HEARTBEAT_MS must be below BLUEPRINT_MIN_IDLE_MS (a live job would be reclaimed)")
        }
        engine.reclaimInterval = .milliseconds(values.int(Self.reclaim) ?? 5000)
        engine.maximumDeliveries = values.int(Self.maximumDeliveries) ?? 5
        engine.shutdownGracePeriod = .milliseconds(values.int(Self.shutdownGrace) ?? 25_000)
        engine.consumerIdleTimeout = .milliseconds(values.int(Self.consumerIdle) ?? 3_600_000)
        engine.schedulerInterval = .milliseconds(values.int(Self.scheduler) ?? 200)
        engine.maximumPayloadBytes = values.int(Self.maximumPayload) ?? (1 << 20)
        engine.jobIndexRetention = .seconds(values.int(Self.jobIndex) ?? 0)
        engine.runsJobsOnEventLoop = values.bool(Self.jobsOnEventLoop)

        var alertWebhookURL: String?
        if let hook = values.raw(Self.alertWebhook.name) {
            if let url = URL(string: hook), url.scheme == "http" || url.scheme == "https", url.host != nil {
                alertWebhookURL = hook
            } else {
                values.report("BLUEPRINT_ALERT_WEBHOOK_URL must be an http(s) URL")
            }
        }

        var logLevel = Logger.Level.info
        switch values.raw(Self.logLevelSetting.name)?.lowercased() {
        case nil: break
        case "trace": logLevel = .trace
        case "debug": logLevel = .debug
        case "info": logLevel = .info
        case "notice": logLevel = .notice
        case "warning", "warn": logLevel = .warning
        case "error": logLevel = .error
        case "critical": logLevel = .critical
        default: values.report("BLUEPRINT_LOG_LEVEL must be debug, info, warning or error")
        }

        let policies = PolicySettings.parse(&values, catalog: catalog)
        var settings = CoreSettings(
            redis: redis, engine: engine, logLevel: logLevel, alertWebhookURL: alertWebhookURL, policies: policies,
            periodic: PeriodicSettings.parse(&values))
        settings.partitions = partitions
        return settings
    }
}
