// `make bench-priority` (issue 13, item 4): does a verification code wait behind a burst of
// notifications?
//
// One queue, the real engine consuming it in this process (concurrency BENCH_CONCURRENCY, 64),
// handlers that sleep 1 ms (a cheap stand-in for a provider call; start times are noted in
// memory, so the figure is the engine's, not the handler's). Per mode:
//   1. the engine starts on a fresh queue;
//   2. BENCH_BULK (50,000) notification jobs are enqueued in pipelines of 1,000;
//   3. right after, BENCH_CODES (100) verification-code jobs, one XADD each, 2 ms apart;
//   4. enqueue->start of every job is measured on one monotonic clock, until all have started.
// Modes, in the same run: lanes on (codes `critical`, notifications `bulk`), and lanes off
// (everything in `default`, as before lanes). Prints p50/p99/max of both kinds, key=value
// figures for scripts, and the core count. Target: codes' p99 < 500 ms with lanes on.
import Foundation
import JobEngine
import Logging
import NIOConcurrencyHelpers
import RESP
import RedisClient

func env(_ name: String, _ fallback: Int) -> Int {
    ProcessInfo.processInfo.environment[name].flatMap { Int($0) } ?? fallback
}

let host = ProcessInfo.processInfo.environment["REDIS_HOST"] ?? "127.0.0.1"
let port = env("REDIS_PORT", 6379)
let bulkCount = env("BENCH_BULK", 50_000)
let codeCount = env("BENCH_CODES", 100)
let concurrency = env("BENCH_CONCURRENCY", 64)

struct BenchJob: Codable, Sendable {
    var name: String
}

/// Enqueue and start instants of every job of one run, by job name.
final class Timings: Sendable {
    private let state = NIOLockedValueBox<
        (enqueued: [String: ContinuousClock.Instant], started: [String: ContinuousClock.Instant])
    >(([:], [:]))
    func enqueued(_ names: [String], at instant: ContinuousClock.Instant) {
        self.state.withLockedValue { for name in names { $0.enqueued[name] = instant } }
    }
    func started(_ name: String) {
        let now = ContinuousClock.now
        self.state.withLockedValue { if $0.started[name] == nil { $0.started[name] = now } }
    }
    var startedCount: Int { self.state.withLockedValue { $0.started.count } }
    /// Enqueue->start in ms of the jobs whose name has `prefix`.
    func latencies(prefix: String) -> [Double] {
        self.state.withLockedValue { state in
            state.started.compactMap { name, start -> Double? in
                guard name.hasPrefix(prefix), let enqueued = state.enqueued[name] else { return nil }
                let d = start - enqueued
                return Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
            }.sorted()
        }
    }
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

let logger: Logger = {
    var logger = Logger(label: "bench-priority")
    logger.logLevel = .critical
    return logger
}()

/// One mode; returns (codes, bulk) latencies in ms and the seconds until every job started.
func run(lanes: Bool, client: RedisClient) async throws -> (codes: [Double], bulk: [Double], seconds: Double) {
    let keys = QueueKeys(queue: "bench_priority_\(lanes ? "lanes" : "flat")_\(UUID().uuidString.prefix(6))", group: "g")
    let timings = Timings()
    var registry = JobRegistry()
    for type in ["send_email", "send_verification_code"] {
        registry.register(JobDefinition<BenchJob>(name: type)) { args, _ in
            timings.started(args.name)
            try await Task.sleep(for: .milliseconds(1))
            return JobNoResult()
        }
    }
    var configuration = EngineConfiguration(
        workerID: "bench", queues: [QueueConfiguration(keys: keys, concurrency: concurrency)])
    configuration.blockTime = .milliseconds(200)
    let engine = JobEngine(configuration: configuration, registry: registry, client: client, logger: logger)
    var producer = JobProducer(client: client)
    if lanes { producer.defaultPriorities = ["send_verification_code": .critical, "send_email": .bulk] }
    let clock = ContinuousClock()
    let start = clock.now
    let seconds: Double = try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await engine.run() }
        for chunk in stride(from: 0, to: bulkCount, by: 1000) {
            let names = (chunk..<min(chunk + 1000, bulkCount)).map { "bulk-\($0)" }
            timings.enqueued(names, at: clock.now)
            try await producer.enqueueBulk(
                queue: keys.stream, type: "send_email", arguments: names.map { BenchJob(name: $0) })
        }
        for index in 0..<codeCount {
            let name = "code-\(index)"
            timings.enqueued([name], at: clock.now)
            try await producer.enqueue(
                queue: keys.stream, type: "send_verification_code", arguments: BenchJob(name: name))
            try await Task.sleep(for: .milliseconds(2))
        }
        let deadline = clock.now + .seconds(600)
        while timings.startedCount < bulkCount + codeCount {
            guard clock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(10))
        }
        let elapsed = clock.now - start
        engine.stop()
        try await group.waitForAll()
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
    _ = try await client.send(RESPCommand("DEL", keys.laneStreams + [keys.results, keys.dead, keys.delayed]))
    return (timings.latencies(prefix: "code-"), timings.latencies(prefix: "bulk-"), seconds)
}

var redisConfiguration = RedisConfiguration(endpoint: .tcp(host: host, port: port))
redisConfiguration.connectTimeout = .seconds(3)
let client = RedisClient(configuration: redisConfiguration, logger: logger)
let cores = ProcessInfo.processInfo.activeProcessorCount
print(
    "# redis \(host):\(port); \(cores) cores; \(bulkCount) bulk notifications then \(codeCount) verification codes; concurrency \(concurrency); handlers sleep 1 ms"
)
print("cores=\(cores)")
var exitCode: Int32 = 0
do {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await client.run() }
        func row(_ label: String, _ values: [Double]) -> String {
            let fmt = { (x: Double) in String(format: "%9.1f", x) }
            return
                "| \(label.padding(toLength: 30, withPad: " ", startingAt: 0)) | \(fmt(percentile(values, 0.5))) | \(fmt(percentile(values, 0.99))) | \(fmt(values.last ?? .nan)) | \(String(format: "%6d", values.count)) |"
        }
        var lines: [String] = []
        var codesP99OnLanes = Double.nan
        for lanes in [true, false] {
            let (codes, bulk, seconds) = try await run(lanes: lanes, client: client)
            let mode = lanes ? "lanes" : "flat"
            print("\(mode)_codes_p50_ms=\(percentile(codes, 0.5))")
            print("\(mode)_codes_p99_ms=\(percentile(codes, 0.99))")
            print("\(mode)_codes_max_ms=\(codes.last ?? .nan)")
            print("\(mode)_bulk_p50_ms=\(percentile(bulk, 0.5))")
            print("\(mode)_bulk_p99_ms=\(percentile(bulk, 0.99))")
            print("\(mode)_bulk_max_ms=\(bulk.last ?? .nan)")
            print("\(mode)_all_started_s=\(seconds)")
            if codes.count != codeCount || bulk.count != bulkCount {
                print("problem=\(mode): \(codes.count) codes and \(bulk.count) bulk jobs started")
                exitCode = 1
            }
            if lanes { codesP99OnLanes = percentile(codes, 0.99) }
            let label = lanes ? "lanes on" : "lanes off (all default)"
            lines.append(row("codes, \(label)", codes))
            lines.append(row("bulk, \(label)", bulk))
            lines.append("|   (every job started after \(String(format: "%.1f", seconds)) s)")
        }
        print()
        print("== enqueue->start latency (ms), \(cores) cores, concurrency \(concurrency)")
        print(
            "| \("jobs".padding(toLength: 30, withPad: " ", startingAt: 0)) |       p50 |       p99 |       max |  count |"
        )
        for line in lines { print(line) }
        let pass = codesP99OnLanes < 500
        print(
            "codes p99 with lanes: \(String(format: "%.1f", codesP99OnLanes)) ms (target < 500 ms): \(pass ? "PASS" : "FAIL")"
        )
        group.cancelAll()
    }
} catch is CancellationError {
} catch {
    print("problem=\(error)")
    exitCode = 1
}
exit(exitCode)
