import JobEngine
import RESP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Arguments of the `canary` diagnostics job (enabled by `BLUEPRINT_DIAGNOSTICS=1`).
public struct CanaryArguments: Codable, Sendable {
    /// Time to sleep, simulating work.
    public var sleep_ms: Int?
    /// Fail transiently while the attempt is at most this number.
    public var fail_times: Int?
    /// Fail permanently (straight to the dead letters).
    public var fail_permanently: Bool?
    /// If set, the run is counted in this Redis hash (field = job ID): a visible side effect that
    /// tests use to count how often each job really ran.
    public var record: String?
    /// If set, the start of the run is noted in this Redis hash (field = job ID, value = wall-clock
    /// time in microseconds since the epoch, `CLOCK_REALTIME`): the benchmark's enqueue->start latency.
    public var started: String?

    public init(
        sleep_ms: Int? = nil, fail_times: Int? = nil, fail_permanently: Bool? = nil, record: String? = nil, started: String? = nil
    ) {
        self.sleep_ms = sleep_ms
        self.fail_times = fail_times
        self.fail_permanently = fail_permanently
        self.record = record
        self.started = started
    }
}

/// The `canary` job: smoke tests and benchmarks (DESIGN.md section 2).
public enum CanaryJob {
    public static let name = "canary"

    public static let definition = JobDefinition<CanaryArguments>(
        name: name, timeout: .seconds(60), retryPolicy: RetryPolicy(maximumRetries: 3, baseDelay: .milliseconds(200), maximumDelay: .seconds(5))
    ) { (arguments: CanaryArguments) throws(JobError) in
        if let sleep = arguments.sleep_ms, sleep < 0 || sleep > 600_000 {
            throw .permanent("invalid arguments: argument 'sleep_ms' must be between 0 and 600000")
        }
        if let record = arguments.record, record.isEmpty || record.utf8.count > 200 {
            throw .permanent("invalid arguments: argument 'record' must be a key name of 1 to 200 bytes")
        }
        if let started = arguments.started, started.isEmpty || started.utf8.count > 200 {
            throw .permanent("invalid arguments: argument 'started' must be a key name of 1 to 200 bytes")
        }
    }

    /// The handler: optional side effect, sleep, then the requested failure or success.
    public static func run(_ arguments: CanaryArguments, _ context: JobContext) async throws -> JobNoResult {
        if let started = arguments.started {
            let now = Self.wallClockMicroseconds()
            try await context.redis.send(RESPCommand("HSET", [started, context.jobID, String(now)]))
        }
        if let record = arguments.record {
            try await context.redis.send(RESPCommand("HINCRBY", [record, context.jobID, "1"]))
        }
        if let sleep = arguments.sleep_ms, sleep > 0 {
            try await Task.sleep(for: .milliseconds(sleep))
        }
        if arguments.fail_permanently == true {
            throw JobError.permanent("canary asked to fail permanently")
        }
        if let times = arguments.fail_times, context.attempt <= times {
            throw JobError.transient("canary asked to fail \(times) times (attempt \(context.attempt))")
        }
        return JobNoResult()
    }

    /// Wall-clock time in microseconds since the epoch (`CLOCK_REALTIME`).
    public static func wallClockMicroseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
    }

    /// Registers the canary on every queue.
    public static func register(in registry: inout JobRegistry) {
        registry.register(definition, handler: run)
    }
}
