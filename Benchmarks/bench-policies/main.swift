// Cost of the policies of issue 4 (`make bench-policies`; scripts/bench-policies.sh starts a fresh
// redis-server and runs this on it):
//
//   1. limiter: BENCH_CHECKS (50000) per-user limit checks, each ONE EVALSHA of the rate-limit
//      script (RateLimiter.check), from BENCH_CLIENTS (64) concurrent tasks over 1000 users;
//      beside it, in the same run on the same connection pool, the same number of plain INCRs
//      (the floor of a one-round-trip Redis operation). Each is run twice; the better run counts.
//   2. drain: BENCH_JOBS (20000) canary jobs pre-filled on a fresh queue, drained by an in-process
//      JobEngine (concurrency 256), once with plaintext payloads and once with enc:v1 payloads
//      (AES-256-GCM decrypt per job and encrypted results); the drain is timed from engine start to
//      the last outcome. Runs alternate off/on twice; the better run of each counts.
//
// Output: `key=value` lines (limiter_checks_per_s, incr_per_s, drain_plain_jobs_per_s,
// drain_encrypted_jobs_per_s, ...). Environment: REDIS_HOST, REDIS_PORT, BENCH_CHECKS, BENCH_CLIENTS, BENCH_JOBS.
import Foundation
import Diagnostics
import JobEngine
import Policies
import Logging
import RESP
import RedisClient

func env(_ name: String, _ value: Int) -> Int {
    ProcessInfo.processInfo.environment[name].flatMap(Int.init) ?? value
}

let host = ProcessInfo.processInfo.environment["REDIS_HOST"] ?? "127.0.0.1"
let port = env("REDIS_PORT", 6379)
let checks = env("BENCH_CHECKS", 50_000)
let clients = env("BENCH_CLIENTS", 64)
let jobs = env("BENCH_JOBS", 20_000)

let logger: Logger = {
    var logger = Logger(label: "bench-policies")
    logger.logLevel = .critical
    return logger
}()
var redisConfiguration = RedisConfiguration(endpoint: .tcp(host: host, port: port))
redisConfiguration.connectTimeout = .seconds(3)
let client = RedisClient(configuration: redisConfiguration, logger: logger)
let runner = Task { try await client.run() }

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Runs `count` operations from `clients` tasks; returns operations per second.
func rate(_ count: Int, _ operation: @escaping @Sendable (Int) async throws -> Void) async throws -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<clients {
            group.addTask {
                var index = worker
                while index < count {
                    try await operation(index)
                    index += clients
                }
            }
        }
        try await group.waitForAll()
    }
    return Double(count) / seconds(clock.now - start)
}

func drain(encrypted: Bool, round: Int) async throws -> Double {
    let keys = QueueKeys(queue: "bench_policies_\(encrypted ? "enc" : "plain")_\(round)", group: "g")
    _ = try await client.send(RESPCommand("DEL", [keys.stream, keys.results, keys.dead, keys.delayed]))
    let ring = try KeyRing(parsing: "bench:" + Data(repeating: 42, count: 32).base64EncodedString())
    let cipher = PayloadCipher(keyRing: ring)
    let producer = JobProducer(client: client, encryptor: encrypted ? cipher : nil)
    _ = try await producer.enqueueBulk(queue: keys.stream, type: CanaryJob.name, arguments: Array(repeating: CanaryArguments(), count: jobs))
    var configuration = EngineConfiguration(workerID: "bench-\(round)", queues: [QueueConfiguration(keys: keys, concurrency: 256)])
    configuration.blockTime = .milliseconds(100)
    if encrypted { configuration.decryptor = cipher }
    var registry = JobRegistry()
    CanaryJob.register(in: &registry)
    let engine = JobEngine(configuration: configuration, registry: registry, client: client, logger: logger)
    let clock = ContinuousClock()
    let start = clock.now
    let task = Task { try? await engine.run() }
    let deadline = start + .seconds(300)
    while try await client.send(RESPCommand("XLEN", [keys.results])).int ?? 0 < jobs {
        guard clock.now < deadline else { throw CancellationError() }
        try await Task.sleep(for: .milliseconds(5))
    }
    let elapsed = clock.now - start
    engine.stop()
    await task.value
    // Every job succeeded, and the encrypted run's results are encrypted.
    let last = try await client.send(RESPCommand("XREVRANGE", [keys.results, "+", "-", "COUNT", "1"]))
    let dead = try await client.send(RESPCommand("XLEN", [keys.dead])).int ?? -1
    if dead != 0 { print("problem=\(dead) dead letters in the \(encrypted ? "encrypted" : "plain") drain") }
    if encrypted, !"\(last)".contains("enc:v1:bench:") { print("problem=results of the encrypted drain are not encrypted") }
    _ = try await client.send(RESPCommand("DEL", [keys.stream, keys.results, keys.dead, keys.delayed]))
    return Double(jobs) / seconds(elapsed)
}

do {
    print("# redis \(host):\(port), \(checks) checks from \(clients) tasks, \(jobs) jobs per drain")
    let limiter = RateLimiter(client: client, keyPrefix: "bench:limit")
    let limit = RateLimit(action: "email", limit: 1_000_000, window: .seconds(3600))
    _ = try await client.load(RateLimitScript.script)
    var best = (limiter: 0.0, incr: 0.0)
    for round in 0..<2 {
        let limiterRate = try await rate(checks) { index in
            _ = try await limiter.check(limit, subject: "user:\(index % 1000)", token: "r\(round)-\(index)")
        }
        let incrRate = try await rate(checks) { index in
            _ = try await client.send(RESPCommand("INCR", ["bench:incr:\(index % 1000)"]))
        }
        print("# round \(round + 1): limiter \(Int(limiterRate))/s, INCR \(Int(incrRate))/s")
        best = (max(best.limiter, limiterRate), max(best.incr, incrRate))
    }
    print("limiter_checks_per_s=\(Int(best.limiter))")
    print("incr_per_s=\(Int(best.incr))")
    print("limiter_vs_incr=\(String(format: "%.2f", best.limiter / best.incr))")
    _ = try await client.send(RESPCommand("EVAL", ["for _, k in ipairs(redis.call('KEYS', 'bench:*')) do redis.call('DEL', k) end return 0", "0"]))

    var plain = 0.0
    var encrypted = 0.0
    for round in 0..<2 {
        let off = try await drain(encrypted: false, round: round)
        let on = try await drain(encrypted: true, round: round)
        print("# round \(round + 1): drain plain \(Int(off)) jobs/s, encrypted \(Int(on)) jobs/s")
        plain = max(plain, off)
        encrypted = max(encrypted, on)
    }
    print("drain_plain_jobs_per_s=\(Int(plain))")
    print("drain_encrypted_jobs_per_s=\(Int(encrypted))")
    print("encryption_drain_ratio=\(String(format: "%.2f", encrypted / plain))")
} catch {
    print("problem=\(error)")
    runner.cancel()
    exit(1)
}
runner.cancel()
