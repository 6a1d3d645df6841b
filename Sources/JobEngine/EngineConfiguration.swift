import Foundation

/// Settings of one queue this worker consumes.
public struct QueueConfiguration: Sendable, Hashable {
    public var keys: QueueKeys
    /// Jobs of this queue in flight at once in this process.
    public var concurrency: Int
    /// Whether this queue's jobs may run on an event loop of the Redis client (see
    /// ``EngineConfiguration/runsJobsOnEventLoop``); `false` for queues whose jobs use the CPU
    /// (images, OCR) or block.
    public var runsJobsOnEventLoop: Bool
    /// How read rounds share slots between the lanes (``JobPriority``) under load.
    public var laneWeights: LaneWeights
    /// The logical queue this is a partition of (``QueuePartitions``); `keys.stream` when the
    /// queue is not partitioned.
    public var logicalQueue: String
    /// The partition number: 0 for `logicalQueue` itself, i for `logicalQueue~i`.
    public var partition: Int = 0

    public init(keys: QueueKeys, concurrency: Int, runsJobsOnEventLoop: Bool = true, laneWeights: LaneWeights = .standard) {
        self.keys = keys
        self.logicalQueue = keys.stream
        self.concurrency = max(1, concurrency)
        self.runsJobsOnEventLoop = runsJobsOnEventLoop
        self.laneWeights = laneWeights
    }

}

/// Settings of the job engine (DESIGN.md sections 3 and 6).
public struct EngineConfiguration: Sendable {
    /// Consumer name in the groups (`BLUEPRINT_WORKER_ID`); defaults to `hostname-pid`.
    public var workerID: String
    public var queues: [QueueConfiguration]
    /// `XREADGROUP ... BLOCK` time; also bounds how long a stop request waits for the reader.
    public var blockTime: Duration = .seconds(2)
    /// Entries pending longer than this on a consumer that no longer renews them are reclaimed.
    public var minIdle: Duration = .seconds(30)
    /// How often a worker renews the claim of its running jobs; well under ``minIdle``.
    public var heartbeatInterval: Duration = .seconds(10)
    /// How often each queue looks for stale entries of dead consumers.
    public var reclaimInterval: Duration = .seconds(5)
    /// A job delivered more times than this without finishing (it keeps crashing workers) is dead-lettered.
    public var maximumDeliveries: Int = 5
    /// How often due retries are moved back onto their streams.
    public var schedulerInterval: Duration = .milliseconds(200)
    /// Time in-flight jobs get to finish after SIGTERM; the rest stay pending for another worker.
    public var shutdownGracePeriod: Duration = .seconds(25)
    /// `MAXLEN ~` of every `{q}:results` stream.
    public var resultsMaximumLength: Int = 100_000
    /// `MAXLEN ~` of every `{q}:dead` stream.
    public var deadMaximumLength: Int = 1_000_000
    /// How long an idempotency key's first outcome is remembered.
    public var idempotencyRetention: Duration = .seconds(24 * 3600)
    /// Consumers idle this long with nothing pending are removed from the group.
    public var consumerIdleTimeout: Duration = .seconds(3600)
    /// Largest `job_data` accepted.
    public var maximumPayloadBytes: Int = 1 << 20
    /// Most finished jobs acknowledged by one script call.
    public var completionBatchSize: Int = 512
    /// How long a finished job's `{queue}:job:<id>` lookup entry lives (whole seconds); zero (the
    /// default): none is written. Each entry costs Redis a key and about 7 µs of CPU per job.
    public var jobIndexRetention: Duration = .zero
    /// Runs each queue's jobs (and its reader) on one event loop of the Redis client rather than
    /// the global concurrency pool: a job resumes where its Redis replies arrive, with no thread
    /// wake-up per job (about a fifth of the CPU per job of a no-op job). The cost: a handler that
    /// blocks its thread (synchronous I/O, long computation) delays the Redis replies of that
    /// loop; turn this off for such handlers, or move their blocking work off the task.
    public var runsJobsOnEventLoop = true
    /// Told about every dead letter (alerts); `nil` tells no one.
    public var deadLetterListener: (any DeadLetterListener)?
    /// Policies asked before every job runs (limits, circuit breakers), in order.
    public var policies: [any JobPolicy] = []
    /// Opens encrypted payloads; `nil` dead-letters them.
    public var decryptor: (any PayloadDecryptor)?
    /// Told how every attempt ended (Prometheus counters and histograms); `nil` records nothing.
    public var metrics: (any JobMetrics)?
    /// Wall-clock time in ms since the epoch (injected in tests); only for timestamps stored in Redis.
    public var now: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    /// Monotonic time of every timing decision: slot deadlines, job timeouts, the shutdown grace
    /// period, reclaim, heartbeat and scheduler cadences, retry pauses (injected in tests).
    public var clock: any Clock<Duration> = ContinuousClock()

    public init(workerID: String = EngineConfiguration.defaultWorkerID(), queues: [QueueConfiguration]) {
        self.workerID = workerID
        self.queues = queues
    }

    /// `hostname-pid`.
    public static func defaultWorkerID() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
    }
}
