import Foundation
import JobEngine
import Logging
import RedisClient

/// Settings read from the environment, validated with one clear message per bad value.
struct Settings {
    var redis: RedisConfiguration
    var engine: EngineConfiguration
    var diagnostics: Bool
    var logLevel: Logger.Level
    /// Per-user limits, encryption keys, circuit breakers.
    var policies = PolicySettings()

    /// Every problem found, one line each (never a secret's value).
    struct Invalid: Error, CustomStringConvertible {
        var problems: [String]
        var description: String { problems.map { "invalid setting: \($0)" }.joined(separator: "\n") }
    }

    static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Settings {
        var problems: [String] = []
        func int(_ name: String, default value: Int, range: ClosedRange<Int>) -> Int {
            guard let text = env[name], !text.isEmpty else { return value }
            guard let number = Int(text), range.contains(number) else {
                problems.append("\(name) must be an integer in \(range.lowerBound)...\(range.upperBound)")
                return value
            }
            return number
        }

        var redis = RedisConfiguration()
        do {
            redis = try RedisConfiguration(url: env["REDIS_URL"] ?? "redis://127.0.0.1:6379/0")
        } catch let error as RedisClientError {
            problems.append("REDIS_URL: \(error.message)")
        }

        let workerID = env["BLUEPRINT_WORKER_ID"].flatMap { $0.isEmpty ? nil : $0 } ?? EngineConfiguration.defaultWorkerID()
        if workerID.utf8.count > 200 || workerID.contains(where: { $0.isWhitespace || $0.isNewline }) {
            problems.append("BLUEPRINT_WORKER_ID must be at most 200 characters without spaces")
        }
        redis.clientName = "blueprint:" + workerID.filter { !$0.isWhitespace }

        let queueNames = (env["BLUEPRINT_QUEUES"].flatMap { $0.isEmpty ? nil : $0 })?
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            ?? StandardQueues.all.map(\.stream)
        for name in queueNames where name.contains(where: { $0 == "{" || $0 == "}" || $0.isWhitespace }) {
            problems.append("BLUEPRINT_QUEUES: queue name '\(name)' may not contain braces or spaces")
        }
        // BLUEPRINT_CONCURRENCY: one number for every queue, or queue=n pairs.
        var concurrency: [String: Int] = [:]
        if let text = env["BLUEPRINT_CONCURRENCY"], !text.isEmpty {
            if let n = Int(text) {
                if (1...10_000).contains(n) { for q in queueNames { concurrency[q] = n } } else {
                    problems.append("BLUEPRINT_CONCURRENCY must be in 1...10000")
                }
            } else {
                for pair in text.split(separator: ",") {
                    let parts = pair.split(separator: "=")
                    if parts.count == 2, let n = Int(parts[1]), (1...10_000).contains(n) {
                        concurrency[String(parts[0]).trimmingCharacters(in: .whitespaces)] = n
                    } else {
                        problems.append("BLUEPRINT_CONCURRENCY must be a number or queue=n pairs, e.g. email_queue=64,sms_queue=16")
                        break
                    }
                }
            }
        }
        let queues = queueNames.map {
            QueueConfiguration(keys: StandardQueues.keys(for: $0), concurrency: concurrency[$0] ?? QueueConfiguration.defaultConcurrency(for: $0))
        }

        var engine = EngineConfiguration(workerID: workerID, queues: queues)
        engine.blockTime = .milliseconds(int("BLUEPRINT_BLOCK_MS", default: 2000, range: 10...60_000))
        engine.minIdle = .milliseconds(int("BLUEPRINT_MIN_IDLE_MS", default: 30_000, range: 100...86_400_000))
        engine.heartbeatInterval = .milliseconds(
            int("BLUEPRINT_HEARTBEAT_MS", default: max(50, Int(engine.minIdle.milliseconds / 3)), range: 20...86_400_000))
        if engine.heartbeatInterval >= engine.minIdle {
            problems.append("BLUEPRINT_HEARTBEAT_MS must be below BLUEPRINT_MIN_IDLE_MS (a live job would be reclaimed)")
        }
        engine.reclaimInterval = .milliseconds(int("BLUEPRINT_RECLAIM_MS", default: 5000, range: 50...3_600_000))
        engine.maximumDeliveries = int("BLUEPRINT_MAX_DELIVERIES", default: 5, range: 1...1000)
        engine.shutdownGracePeriod = .milliseconds(int("BLUEPRINT_SHUTDOWN_GRACE_MS", default: 25_000, range: 0...3_600_000))
        engine.consumerIdleTimeout = .milliseconds(int("BLUEPRINT_CONSUMER_IDLE_MS", default: 3_600_000, range: 1000...604_800_000))
        engine.schedulerInterval = .milliseconds(int("BLUEPRINT_SCHEDULER_MS", default: 200, range: 10...60_000))
        engine.maximumPayloadBytes = int("BLUEPRINT_MAX_PAYLOAD_BYTES", default: 1 << 20, range: 1024...(64 << 20))
        if let hook = env["BLUEPRINT_ALERT_WEBHOOK_URL"], !hook.isEmpty {
            if let url = URL(string: hook), url.scheme == "http" || url.scheme == "https", url.host != nil {
                engine.alertWebhookURL = url
            } else {
                problems.append("BLUEPRINT_ALERT_WEBHOOK_URL must be an http(s) URL")
            }
        }

        var diagnostics = false
        switch env["BLUEPRINT_DIAGNOSTICS"]?.lowercased() {
        case nil, "", "0", "false", "off", "no": diagnostics = false
        case "1", "true", "on", "yes": diagnostics = true
        default: problems.append("BLUEPRINT_DIAGNOSTICS must be 1 or 0")
        }

        var logLevel = Logger.Level.info
        switch env["BLUEPRINT_LOG_LEVEL"]?.lowercased() {
        case nil, "": break
        case "trace": logLevel = .trace
        case "debug": logLevel = .debug
        case "info": logLevel = .info
        case "notice": logLevel = .notice
        case "warning", "warn": logLevel = .warning
        case "error": logLevel = .error
        case "critical": logLevel = .critical
        default: problems.append("BLUEPRINT_LOG_LEVEL must be debug, info, warning or error")
        }

        let policies = PolicySettings.parse(env, problems: &problems)

        if !problems.isEmpty { throw Invalid(problems: problems) }
        var settings = Settings(redis: redis, engine: engine, diagnostics: diagnostics, logLevel: logLevel)
        settings.policies = policies
        return settings
    }
}
