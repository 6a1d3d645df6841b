// Throughput and latency of the job engine against one Redis (scripts/bench-engine.sh runs it on a
// fresh redis-server and compares with the peers; issue 3, "Benchmark").
//
//   1. enqueue: BENCH_JOBS (200000) canary jobs without sleep on `email_queue`, with the Swift
//      producer's bulk enqueue (timed). They are the pre-fill of step 2.
//   2. drain: ONE `blueprint serve` process drains them, first the baseline binary
//      (BLUEPRINT_BASELINE_BIN, if given: "before"), then BLUEPRINT_BIN ("after"), each on a fresh
//      pre-fill. Timed as the peers are: from the first poll (every 5 ms) that sees a finished job
//      (`entries-added` of `{email_queue}:results`, which trimming does not lower) to the one that
//      sees all. Over the same span: CPU of the serve process (utime+stime of /proc/<pid>/stat) per
//      job in µs, and the busy % of redis-server (REDIS_PID). Then checked: exactly BENCH_JOBS
//      outcomes added, every one kept `succeeded` with a distinct job id, queue, pending list,
//      delayed set and dead letters empty. Peak RSS = VmHWM of the serve process, read just before
//      SIGTERM (which must exit 0).
//   3. latency: a fresh serve process on an empty queue; canary jobs are enqueued one XADD at a time
//      at a steady BENCH_LATENCY_RATE (1000) jobs/s for BENCH_LATENCY_SECONDS (5) s. The bench notes
//      each job's enqueue time (µs, CLOCK_REALTIME) right before its XADD; the canary's `started`
//      argument makes the handler note its start time (same clock) in a hash. Latency = start - enqueue.
//
// Configuration (environment): REDIS_HOST (127.0.0.1), REDIS_PORT (6379), BLUEPRINT_BIN (path of the
// release `blueprint`, required), BLUEPRINT_BASELINE_BIN (a `blueprint` to compare with, optional),
// REDIS_PID (pid of redis-server, for its CPU %), BLUEPRINT_CONCURRENCY (unset: serve's default), BENCH_JOBS (200000),
// BENCH_LATENCY_RATE (1000), BENCH_LATENCY_SECONDS (5), BENCH_TIMEOUT_SECONDS (300, drain limit).
// The bench deletes the keys of `email_queue` (stream, group, companions) before each step: point it
// at a Redis that holds nothing you need.
//
// Output (stdout): one `key=value` line per figure (enqueue_jobs_per_s, drain_jobs_per_s,
// drain_cpu_us_per_job, drain_redis_cpu_pct, latency_p50_ms, latency_p99_ms, peak_rss_mb, the same
// drain figures as drain_before_* for the baseline, plus details); lines starting with `#` are notes.
// Anything the engine got wrong (lost or duplicate outcomes, failures, a stall, a non-zero exit) is
// printed as `problem=...` and makes the exit status 1; the figures are printed regardless.
import Foundation
import Diagnostics
import JobEngine
import Logging
import RESP
import RedisClient

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

struct BenchSettings {
    var host = "127.0.0.1"
    var port = 6379
    var blueprintBinary = ""
    var baselineBinary: String?
    var redisPID: Int32?
    /// `nil`: the serve process's default concurrency.
    var concurrency: Int?
    var jobs = 200_000
    var latencyRate = 1000
    var latencySeconds = 5
    var timeoutSeconds = 300

    static func fromEnvironment() throws -> BenchSettings {
        func env(_ name: String) -> String? {
            getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        func positive(_ name: String, _ value: Int) throws -> Int {
            guard let text = env(name) else { return value }
            guard let number = Int(text), number > 0 else { throw BenchError("\(name) must be a positive integer: \(text)") }
            return number
        }
        var settings = BenchSettings()
        if let host = env("REDIS_HOST") { settings.host = host }
        settings.port = try positive("REDIS_PORT", settings.port)
        guard let binary = env("BLUEPRINT_BIN") else { throw BenchError("BLUEPRINT_BIN (path of the release blueprint) is required") }
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw BenchError("BLUEPRINT_BIN is not an executable: \(binary)") }
        settings.blueprintBinary = binary
        if let baseline = env("BLUEPRINT_BASELINE_BIN") {
            guard FileManager.default.isExecutableFile(atPath: baseline) else { throw BenchError("BLUEPRINT_BASELINE_BIN is not an executable: \(baseline)") }
            settings.baselineBinary = baseline
        }
        if env("REDIS_PID") != nil { settings.redisPID = Int32(try positive("REDIS_PID", 1)) }
        if env("BLUEPRINT_CONCURRENCY") != nil { settings.concurrency = try positive("BLUEPRINT_CONCURRENCY", 1) }
        settings.jobs = try positive("BENCH_JOBS", settings.jobs)
        settings.latencyRate = try positive("BENCH_LATENCY_RATE", settings.latencyRate)
        settings.latencySeconds = try positive("BENCH_LATENCY_SECONDS", settings.latencySeconds)
        settings.timeoutSeconds = try positive("BENCH_TIMEOUT_SECONDS", settings.timeoutSeconds)
        return settings
    }
}

let keys = QueueKeys(queue: "email_queue", group: "email_workers")
let startedKey = "bench:engine:started"

/// Figures and problems, printed as they come.
final class Report {
    private(set) var problems: [String] = []

    func figure(_ key: String, _ value: String) {
        print("\(key)=\(value)")
        fflush(nil)
    }

    func note(_ text: String) {
        print("# \(text)")
        fflush(nil)
    }

    func problem(_ text: String) {
        self.problems.append(text)
        print("problem=\(text)")
        fflush(nil)
    }
}

/// Seconds of a duration as a Double.
func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// `x` with `places` decimals (no locale).
func fixed(_ x: Double, _ places: Int = 1) -> String {
    guard x.isFinite else { return "nan" }
    return String(format: "%.\(places)f", x)
}

/// Milliseconds part of a stream entry ID (`<ms>-<seq>`).
func entryMilliseconds(_ id: String) -> Int64? {
    id.split(separator: "-").first.flatMap { Int64($0) }
}

// MARK: - The serve process

/// One `blueprint serve` child process consuming `email_queue`.
final class ServeProcess {
    let process = Process()
    let name: String

    init(settings: BenchSettings, workerID: String, binary: String? = nil) throws {
        self.name = workerID
        self.process.executableURL = URL(fileURLWithPath: binary ?? settings.blueprintBinary)
        self.process.arguments = ["serve"]
        var environment = ProcessInfo.processInfo.environment
        environment["REDIS_URL"] = "redis://\(settings.host):\(settings.port)/0"
        environment["BLUEPRINT_WORKER_ID"] = workerID
        environment["BLUEPRINT_QUEUES"] = keys.stream
        if let concurrency = settings.concurrency {
            environment["BLUEPRINT_CONCURRENCY"] = String(concurrency)
        } else {
            environment.removeValue(forKey: "BLUEPRINT_CONCURRENCY")
        }
        environment["BLUEPRINT_DIAGNOSTICS"] = "1"
        environment["BLUEPRINT_LOG_LEVEL"] = "warning"
        self.process.environment = environment
        // Its logs (warnings and worse) go to our stderr; stdout carries only our figures.
        self.process.standardOutput = FileHandle.standardError
        self.process.standardError = FileHandle.standardError
        try self.process.run()
    }

    var pid: Int32 { self.process.processIdentifier }
    var isRunning: Bool { self.process.isRunning }

    /// VmHWM (peak resident set) of the process in KiB, from /proc/<pid>/status.
    func peakResidentKiB() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(self.pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        }
        return nil
    }

    /// SIGTERM, then waits up to `grace` for the exit; SIGKILL after that.
    /// Returns a description of how it ended and whether that was a clean exit 0.
    func stop(grace: Duration = .seconds(35)) async -> (description: String, clean: Bool) {
        if !self.isRunning { return (self.exitDescription + " (before SIGTERM)", false) }
        kill(self.pid, SIGTERM)
        let start = ContinuousClock.now
        while self.isRunning && ContinuousClock.now - start < grace {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if self.isRunning {
            kill(self.pid, SIGKILL)
            while self.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
            return ("did not exit within \(grace) of SIGTERM; killed", false)
        }
        let took = fixed(seconds(ContinuousClock.now - start) * 1000, 0)
        let clean = self.process.terminationReason == .exit && self.process.terminationStatus == 0
        return ("\(self.exitDescription) \(took) ms after SIGTERM", clean)
    }

    private var exitDescription: String {
        self.process.terminationReason == .exit
            ? "exit status \(self.process.terminationStatus)" : "killed by signal \(self.process.terminationStatus)"
    }
}

/// CPU time (user + system) a process used so far, in seconds, from /proc/<pid>/stat.
func cpuSeconds(_ pid: Int32) -> Double? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return nil }
    // Fields after "(comm)": state is field 3; utime and stime are fields 14 and 15.
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

// MARK: - Redis helpers

func resetQueue(_ client: RedisClient) async throws {
    try await client.send(
        RESPCommand("DEL", [keys.stream, keys.results, keys.delayed, keys.dead, keys.idempotency, keys.idempotencyIndex, keys.paused, startedKey]))
}

func length(_ client: RedisClient, _ key: String) async throws -> Int {
    try await client.xlen(key)
}

/// Queue state after a step, for the report: waiting, pending, delayed, dead.
func queueState(_ client: RedisClient) async throws -> (waiting: Int, pending: Int, delayed: Int, dead: Int) {
    let waiting = try await client.xlen(keys.stream)
    let pending = (try? await client.xpending(keys.stream, group: keys.group).count) ?? 0
    let delayed = try await client.zcard(keys.delayed)
    let dead = try await client.xlen(keys.dead)
    return (waiting, pending, delayed, dead)
}

/// Waits until `{q}:results` holds `target` entries. Fails on a stall (`stallLimit` without progress),
/// on the overall `timeout`, or when the serve process exits.
func waitForResults(
    _ client: RedisClient, target: Int, serve: ServeProcess, timeout: Duration, stallLimit: Duration = .seconds(30)
) async throws -> Int {
    let start = ContinuousClock.now
    var last = -1
    var lastChange = start
    var lastNote = start
    while true {
        let count = try await client.xlen(keys.results)
        let now = ContinuousClock.now
        if count >= target { return count }
        if count != last {
            last = count
            lastChange = now
        }
        if !serve.isRunning { throw BenchError("serve process \(serve.name) exited with \(count) of \(target) results") }
        if now - lastChange > stallLimit { throw BenchError("stalled: \(count) of \(target) results, no progress for \(stallLimit)") }
        if now - start > timeout { throw BenchError("timeout: \(count) of \(target) results after \(timeout)") }
        if now - lastNote > .seconds(10) {
            FileHandle.standardError.write(Data("    ... \(count) of \(target) results\n".utf8))
            lastNote = now
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// Every entry of `{q}:results`, read in chunks.
func readResults(_ client: RedisClient) async throws -> [RedisStreamEntry] {
    var all: [RedisStreamEntry] = []
    var start = "-"
    while true {
        // Small chunks: a debug build on a busy machine decodes 10k entries slower than the command timeout.
        let chunk = try await client.xrange(keys.results, start: start, end: "+", count: 2000)
        all.append(contentsOf: chunk)
        guard chunk.count == 2000, let last = chunk.last else { return all }
        start = "(" + last.id
    }
}

// MARK: - Steps

func measureEnqueue(_ client: RedisClient, settings: BenchSettings, report: Report, label: String?) async throws {
    let producer = JobProducer(client: client)
    let arguments = Array(repeating: CanaryArguments(), count: settings.jobs)
    let start = ContinuousClock.now
    let ids = try await producer.enqueueBulk(queue: keys.stream, type: CanaryJob.name, arguments: arguments)
    let elapsed = seconds(ContinuousClock.now - start)
    let queued = try await client.xlen(keys.stream)
    let prefix = label.map { "enqueue_\($0)_" } ?? "enqueue_"
    report.figure(prefix + "jobs", String(ids.count))
    report.figure(prefix + "seconds", fixed(elapsed, 3))
    report.figure(prefix + "jobs_per_s", fixed(Double(ids.count) / elapsed, 0))
    if queued != settings.jobs { report.problem("after enqueue XLEN \(keys.stream) = \(queued), expected \(settings.jobs)") }
}

/// `entries-added` of `{q}:results`: outcomes ever written (trimming does not lower it).
func outcomesAdded(_ client: RedisClient) async throws -> Int {
    guard let added = try await client.xinfoStream(keys.results)["entries-added"]?.int else {
        throw BenchError("XINFO STREAM \(keys.results) has no entries-added (Redis 7 or later needed)")
    }
    return added
}

/// One drain observed from the first finished job to the last.
struct DrainSpan {
    var jobs: Int
    var seconds: Double
    var serveCPUSeconds: Double?
    var redisCPUSeconds: Double?
}

/// Polls every 5 ms until `target` outcomes were added; the span runs from the first poll that
/// sees one to the poll that sees all, with the CPU time of both processes over it.
func observeDrain(_ client: RedisClient, target: Int, serve: ServeProcess, redisPID: Int32?, timeout: Duration) async throws -> DrainSpan {
    let clock = ContinuousClock()
    let start = clock.now
    var first: (at: ContinuousClock.Instant, added: Int, serve: Double?, redis: Double?)?
    var last = -1
    var lastChange = start
    var lastNote = start
    while true {
        let added = (try? await outcomesAdded(client)) ?? 0
        let now = clock.now
        if added > 0 && first == nil {
            first = (now, added, cpuSeconds(serve.pid), redisPID.flatMap(cpuSeconds))
        }
        if added >= target, let first {
            let serveCPU = cpuSeconds(serve.pid).flatMap { end in first.serve.map { end - $0 } }
            let redisCPU = redisPID.flatMap(cpuSeconds).flatMap { end in first.redis.map { end - $0 } }
            return DrainSpan(jobs: added - first.added, seconds: seconds(now - first.at), serveCPUSeconds: serveCPU, redisCPUSeconds: redisCPU)
        }
        if added != last {
            last = added
            lastChange = now
        }
        if !serve.isRunning { throw BenchError("serve process \(serve.name) exited with \(added) of \(target) outcomes") }
        if now - lastChange > .seconds(30) { throw BenchError("stalled: \(added) of \(target) outcomes, no progress for 30 s") }
        if now - start > timeout { throw BenchError("timeout: \(added) of \(target) outcomes after \(timeout)") }
        if now - lastNote > .seconds(10) {
            FileHandle.standardError.write(Data("    ... \(added) of \(target) outcomes\n".utf8))
            lastNote = now
        }
        try await Task.sleep(for: .milliseconds(5))
    }
}

/// Drains the pre-filled queue with one serve process of `binary`; figures are named
/// `drain_<label>_...` (and `drain_...` too for the binary under test, `label` "after").
func measureDrain(_ client: RedisClient, settings: BenchSettings, label: String, binary: String, report: Report) async throws {
    func figure(_ name: String, _ value: String) {
        report.figure("drain_\(label)_\(name)", value)
        if label == "after" { report.figure(name == "peak_rss_mb" ? name : "drain_\(name)", value) }
    }
    let launch = ContinuousClock.now
    let serve = try ServeProcess(settings: settings, workerID: "bench-drain-\(label)", binary: binary)
    report.note("drain \(label): \(binary) pid \(serve.pid), concurrency \(settings.concurrency.map(String.init) ?? "default"), \(settings.jobs) jobs pre-filled")
    var span: DrainSpan?
    do {
        span = try await observeDrain(client, target: settings.jobs, serve: serve, redisPID: settings.redisPID, timeout: .seconds(settings.timeoutSeconds))
        figure("launch_to_done_s", fixed(seconds(ContinuousClock.now - launch), 2))
    } catch {
        report.problem("drain \(label): \(error)")
    }
    let peakKiB = serve.peakResidentKiB()
    let stopped = await serve.stop()
    report.note("drain \(label) serve process: \(stopped.description)")
    if !stopped.clean { report.problem("drain \(label) serve process: \(stopped.description)") }
    if let peakKiB {
        figure("peak_rss_mb", fixed(Double(peakKiB) / 1024, 1))
    } else {
        report.problem("could not read VmHWM of the drain \(label) serve process")
    }

    // Check every outcome: exactly one per job (entries-added), all that are kept succeeded with distinct ids.
    let added = try await outcomesAdded(client)
    let results = try await readResults(client)
    var statuses: [String: Int] = [:]
    var jobIDs = Set<String>()
    jobIDs.reserveCapacity(results.count)
    for entry in results {
        statuses[entry.fields["status"] ?? "?", default: 0] += 1
        jobIDs.insert(entry.fields["job_id"] ?? "")
    }
    let state = try await queueState(client)
    report.note(
        "drain \(label) outcomes: \(added) added, \(results.count) kept (\(jobIDs.count) distinct job ids), statuses \(statuses.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")); "
            + "after stop: waiting \(state.waiting), pending \(state.pending), delayed \(state.delayed), dead \(state.dead)")
    if added != settings.jobs { report.problem("drain \(label): \(added) outcomes for \(settings.jobs) jobs") }
    if jobIDs.count != results.count { report.problem("drain \(label): \(results.count - jobIDs.count) duplicate outcomes among those kept") }
    if statuses["succeeded", default: 0] != results.count {
        report.problem("drain \(label): \(statuses["succeeded", default: 0]) succeeded of \(results.count) kept")
    }
    if state.waiting != 0 || state.pending != 0 || state.delayed != 0 || state.dead != 0 {
        report.problem("drain \(label): queue not empty after stop (waiting \(state.waiting), pending \(state.pending), delayed \(state.delayed), dead \(state.dead))")
    }
    guard let span, span.seconds > 0, span.jobs > 0 else {
        report.problem("drain \(label): too few outcomes to time the drain")
        return
    }
    figure("jobs_timed", String(span.jobs))
    figure("seconds", fixed(span.seconds, 3))
    figure("jobs_per_s", fixed(Double(span.jobs) / span.seconds, 0))
    if let cpu = span.serveCPUSeconds { figure("cpu_us_per_job", fixed(cpu * 1e6 / Double(span.jobs), 1)) }
    if let cpu = span.redisCPUSeconds { figure("redis_cpu_pct", fixed(cpu * 100 / span.seconds, 0)) }
}

func measureLatency(_ client: RedisClient, settings: BenchSettings, report: Report) async throws {
    let serve = try ServeProcess(settings: settings, workerID: "bench-latency")
    report.note("latency: blueprint serve pid \(serve.pid), \(settings.latencyRate) jobs/s for \(settings.latencySeconds) s, one XADD at a time")
    defer { if serve.isRunning { kill(serve.pid, SIGKILL) } }

    // Wait until its consumer is in the group (it has issued XREADGROUP).
    let readyBy = ContinuousClock.now + .seconds(30)
    while true {
        let groups = (try? await client.xinfoGroups(keys.stream)) ?? []
        if groups.contains(where: { $0["name"]?.string == keys.group && ($0["consumers"]?.int ?? 0) > 0 }) { break }
        guard ContinuousClock.now < readyBy, serve.isRunning else { throw BenchError("latency serve process did not join the group within 30 s") }
        try await Task.sleep(for: .milliseconds(10))
    }
    // Warm-up: a few jobs through the whole path, not measured.
    let producer = JobProducer(client: client)
    let warmup = 200
    _ = try await producer.enqueueBulk(queue: keys.stream, type: CanaryJob.name, arguments: Array(repeating: CanaryArguments(), count: warmup))
    _ = try await waitForResults(client, target: warmup, serve: serve, timeout: .seconds(30))
    try await Task.sleep(for: .milliseconds(200))

    // Steady rate: job i is due at start + i/rate; each XADD is awaited (a round trip is far below 1 ms).
    let total = settings.latencyRate * settings.latencySeconds
    let jobData = try JobProducer.jobData(type: CanaryJob.name, arguments: CanaryArguments(started: startedKey))
    var enqueued: [(id: String, micros: Int64)] = []
    enqueued.reserveCapacity(total)
    var maximumLag = Duration.zero
    let clock = ContinuousClock()
    let start = clock.now
    for i in 0..<total {
        let due = start + .microseconds(Int64(i) * 1_000_000 / Int64(settings.latencyRate))
        if clock.now < due { try await Task.sleep(until: due, clock: clock) }
        maximumLag = max(maximumLag, clock.now - due)
        let command = try producer.command(queue: keys.stream, jobData: jobData, options: .init())
        let micros = CanaryJob.wallClockMicroseconds()
        let reply = try await client.send(command)
        guard let id = reply.string else { throw BenchError("XADD replied \(reply)") }
        enqueued.append((id, micros))
    }
    let sendSeconds = seconds(clock.now - start)
    report.figure("latency_jobs", String(total))
    report.figure("latency_enqueue_rate_achieved", fixed(Double(total) / sendSeconds, 0))
    report.note("latency: largest delay of an XADD behind its schedule \(fixed(seconds(maximumLag) * 1000, 2)) ms")
    do {
        _ = try await waitForResults(client, target: warmup + total, serve: serve, timeout: .seconds(60))
    } catch {
        report.problem("latency: \(error)")
    }

    let reply = try await client.send(RESPCommand("HGETALL", [startedKey]))
    var startedAt: [String: Int64] = [:]
    for pair in reply.pairs ?? [] {
        if let id = pair.key.string, let micros = pair.value.string.flatMap({ Int64($0) }) { startedAt[id] = micros }
    }
    var latencies: [Int64] = []
    latencies.reserveCapacity(total)
    for job in enqueued {
        if let started = startedAt[job.id] { latencies.append(started - job.micros) }
    }
    if latencies.count != total { report.problem("latency: \(total - latencies.count) of \(total) jobs have no start time") }
    latencies.sort()
    if !latencies.isEmpty {
        // Nearest rank.
        func percentile(_ p: Double) -> Double {
            let rank = max(1, Int((p / 100 * Double(latencies.count)).rounded(.up)))
            return Double(latencies[rank - 1]) / 1000
        }
        report.figure("latency_p50_ms", fixed(percentile(50), 2))
        report.figure("latency_p90_ms", fixed(percentile(90), 2))
        report.figure("latency_p99_ms", fixed(percentile(99), 2))
        report.figure("latency_max_ms", fixed(Double(latencies.last!) / 1000, 2))
        report.figure("latency_min_ms", fixed(Double(latencies.first!) / 1000, 2))
    }
    if let kib = serve.peakResidentKiB() { report.figure("latency_serve_peak_rss_mb", fixed(Double(kib) / 1024, 1)) }
    let stopped = await serve.stop()
    report.note("latency serve process: \(stopped.description)")
    if !stopped.clean { report.problem("latency serve process: \(stopped.description)") }
    let state = try await queueState(client)
    if state.waiting != 0 || state.pending != 0 || state.delayed != 0 || state.dead != 0 {
        report.problem("latency: queue not empty after stop (waiting \(state.waiting), pending \(state.pending), delayed \(state.delayed), dead \(state.dead))")
    }
}

func runBenchmark() async throws -> Int32 {
    let settings = try BenchSettings.fromEnvironment()
    var logger = Logger(label: "bench-engine")
    logger.logLevel = .warning
    let client = RedisClient(configuration: RedisConfiguration(endpoint: .tcp(host: settings.host, port: settings.port)), logger: logger)
    let runner = Task { try await client.run() }
    defer { runner.cancel() }
    let report = Report()
    report.note("bench-engine: redis \(settings.host):\(settings.port), blueprint \(settings.blueprintBinary)")

    if let baseline = settings.baselineBinary {
        try await resetQueue(client)
        try await measureEnqueue(client, settings: settings, report: report, label: "before")
        try await measureDrain(client, settings: settings, label: "before", binary: baseline, report: report)
    }
    try await resetQueue(client)
    try await measureEnqueue(client, settings: settings, report: report, label: nil)
    try await measureDrain(client, settings: settings, label: "after", binary: settings.blueprintBinary, report: report)
    try await resetQueue(client)
    do {
        try await measureLatency(client, settings: settings, report: report)
    } catch {
        report.problem("latency: \(error)")
    }
    try await resetQueue(client)
    report.figure("problems", String(report.problems.count))
    return report.problems.isEmpty ? 0 : 1
}

do {
    exit(try await runBenchmark())
} catch {
    print("problem=bench-engine failed: \(error)")
    exit(1)
}
