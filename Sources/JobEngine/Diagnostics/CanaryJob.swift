import RESP

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
    }

    /// The handler: optional side effect, sleep, then the requested failure or success.
    public static func run(_ arguments: CanaryArguments, _ context: JobContext) async throws -> JobNoResult {
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

    /// Registers the canary on every queue.
    public static func register(in registry: inout JobRegistry) {
        registry.register(definition, handler: run)
    }
}
