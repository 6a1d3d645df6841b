// Throughput of our Redis client on redis-benchmark's workloads (scripts/bench-redis.sh compares).
//
// Workloads, each with `clients` concurrent requesters sharing one RedisClient:
//   xadd_p1   `XADD bench:stream:x MAXLEN ~ 100000 * f v`, one command at a time per requester
//   set_p1    `SET bench:key xxx` (redis-benchmark -t set: a 3-byte value), one at a time
//   xadd_p16  the XADD in pipelines of 16 per requester
//   set_p16   the SET in pipelines of 16
// Every command is built and its reply checked as an application would (typed helpers for XADD).
//
// Configuration (environment, or `--name value` arguments of the same name in lower case without
// the prefix, e.g. `--requests 100000`):
//   REDIS_HOST (127.0.0.1), REDIS_PORT (6379), BENCH_REQUESTS (200000 per workload),
//   BENCH_CLIENTS (50), BENCH_POOL_SIZE (the client's default), BENCH_WORKLOADS (all, comma-separated).
//
// Output: one line per workload, `<workload> requests=<n> seconds=<s> rps=<requests per second>`.
import Logging
import NIOCore
import RESP
import RedisClient

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct BenchConfiguration {
    var host = "127.0.0.1"
    var port = 6379
    var requests = 200_000
    var clients = 50
    var poolSize: Int?
    var workloads = ["xadd_p1", "set_p1", "xadd_p16", "set_p16"]

    init(arguments: [String], environment: (String) -> String?) throws {
        var values: [String: String] = [:]
        for key in ["host", "port", "requests", "clients", "pool_size", "workloads"] {
            let name = key == "host" || key == "port" ? "REDIS_\(key.uppercased())" : "BENCH_\(key.uppercased())"
            if let value = environment(name) { values[key] = value }
        }
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            guard argument.hasPrefix("--"), index + 1 < arguments.count else {
                throw BenchError(
                    "usage: bench-redis [--host H] [--port P] [--requests N] [--clients C] [--pool-size S] [--workloads a,b]"
                )
            }
            values[String(argument.dropFirst(2).map { $0 == "-" ? "_" : $0 })] = arguments[index + 1]
            index += 2
        }
        if let host = values["host"] { self.host = host }
        if let port = values["port"] { self.port = try Self.positive(port, "port") }
        if let requests = values["requests"] { self.requests = try Self.positive(requests, "requests") }
        if let clients = values["clients"] { self.clients = try Self.positive(clients, "clients") }
        if let poolSize = values["pool_size"] { self.poolSize = try Self.positive(poolSize, "pool size") }
        if let workloads = values["workloads"] { self.workloads = workloads.split(separator: ",").map(String.init) }
    }

    private static func positive(_ text: String, _ what: String) throws -> Int {
        guard let value = Int(text), value > 0 else { throw BenchError("\(what) must be a positive integer: \(text)") }
        return value
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One workload: what a requester sends per step, and how many commands a step carries.
struct Workload {
    let name: String
    let commandsPerStep: Int
    let step: @Sendable (RedisClient) async throws -> Void

    static func named(_ name: String) throws -> Workload {
        switch name {
        case "xadd_p1":
            return Workload(name: name, commandsPerStep: 1) { client in
                try await client.xadd("bench:stream:x", fields: [("f", "v")], maxLength: 100_000)
            }
        case "set_p1":
            return Workload(name: name, commandsPerStep: 1) { client in
                let reply = try await client.send(setCommand())
                guard reply.string == "OK" else { throw BenchError("SET replied \(reply)") }
            }
        case "xadd_p16":
            return Workload(name: name, commandsPerStep: 16) { client in
                var commands: [RESPCommand] = []
                commands.reserveCapacity(16)
                for _ in 0..<16 {
                    commands.append(RedisClient.xaddCommand("bench:stream:x", fields: [("f", "v")], maxLength: 100_000))
                }
                let replies = try await client.pipeline(commands)
                for reply in replies where reply.string == nil { throw BenchError("XADD replied \(reply)") }
            }
        case "set_p16":
            return Workload(name: name, commandsPerStep: 16) { client in
                var commands: [RESPCommand] = []
                commands.reserveCapacity(16)
                for _ in 0..<16 { commands.append(setCommand()) }
                let replies = try await client.pipeline(commands)
                for reply in replies where reply.string != "OK" { throw BenchError("SET replied \(reply)") }
            }
        default:
            throw BenchError("unknown workload \(name) (xadd_p1, set_p1, xadd_p16, set_p16)")
        }
    }

    private static func setCommand() -> RESPCommand {
        var command = RESPCommand("SET")
        command.append("bench:key")
        command.append("xxx")
        return command
    }
}

/// Runs `workload` with `clients` requesters until `requests` commands are done; returns seconds.
func measure(_ workload: Workload, client: RedisClient, requests: Int, clients: Int) async throws -> Double {
    let steps = max(1, requests / workload.commandsPerStep)
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for requester in 0..<clients {
            // Split the steps evenly; the first `steps % clients` requesters take one more.
            let mine = steps / clients + (requester < steps % clients ? 1 : 0)
            group.addTask {
                for _ in 0..<mine { try await workload.step(client) }
            }
        }
        try await group.waitForAll()
    }
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func runBenchmark() async throws {
    let bench = try BenchConfiguration(arguments: Array(CommandLine.arguments.dropFirst())) { name in
        getenv(name).map { String(cString: $0) }
    }
    var configuration = RedisConfiguration(endpoint: .tcp(host: bench.host, port: bench.port))
    if let poolSize = bench.poolSize { configuration.poolSize = poolSize }
    var logger = Logger(label: "bench-redis")
    logger.logLevel = .warning
    let client = RedisClient(configuration: configuration, logger: logger)
    let runner = Task { try await client.run() }
    defer { runner.cancel() }

    // Wait for the pool, and start from an empty stream.
    try await client.send("DEL", "bench:stream:x", "bench:key")
    let workloads = try bench.workloads.map(Workload.named)
    print(
        "# bench-redis: \(bench.host):\(bench.port) requests=\(bench.requests) clients=\(bench.clients) pool=\(configuration.poolSize)"
    )
    for workload in workloads {
        // A short warm-up so connections, allocator and caches are hot.
        _ = try await measure(
            workload, client: client, requests: min(bench.requests / 10, 10_000), clients: bench.clients)
        let seconds = try await measure(workload, client: client, requests: bench.requests, clients: bench.clients)
        let done = max(1, bench.requests / workload.commandsPerStep) * workload.commandsPerStep
        let rps = Double(done) / seconds
        print("\(workload.name) requests=\(done) seconds=\(format3(seconds)) rps=\(Int(rps.rounded()))")
    }
    try await client.send("DEL", "bench:stream:x", "bench:key")
}

/// `x` with three decimals (no Foundation).
func format3(_ x: Double) -> String {
    let thousandths = Int((x * 1000).rounded())
    let fraction = String(thousandths % 1000)
    return "\(thousandths / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
}

do {
    try await runBenchmark()
} catch {
    print("bench-redis failed: \(error)")
    exit(1)
}
