/// The per-minute job statistics every worker adds to (docs/protocol.md section 4).
///
/// One hash per queue and minute, `{queue}:stats:<minute>` (minute = ms since the epoch / 60000,
/// hash-tagged to the queue's slot), with fields:
/// - one counter per outcome: ``Outcome`` (`succeeded`, `rejected`, `retried`, `deferred`, `dead`);
/// - `wait:<bucket>`: enqueue-to-start latency of the attempts counted, in ``LatencyHistogram`` buckets;
/// - `run:<bucket>`: run time of those attempts.
///
/// The engine writes them in the same script call that records the outcome (no extra round
/// trip), and gives each hash a TTL of ``ttlSeconds`` when it is created, so the series survives
/// restarts and is shared by all workers.
public enum JobStatsSchema {
    /// The outcome counters of a stats hash.
    public enum Outcome {
        /// Finished successfully.
        public static let succeeded = "succeeded"
        /// Refused by the handler or a policy (final, not retried).
        public static let rejected = "rejected"
        /// An attempt failed and another one is scheduled.
        public static let retried = "retried"
        /// Put back on the delayed set by a policy without running (not an attempt).
        public static let deferred = "deferred"
        /// Sent to the dead letters.
        public static let dead = "dead"
        /// Every counter, in display order.
        public static let all = [succeeded, rejected, retried, deferred, dead]
    }

    /// Field prefix of the enqueue-to-start latency histogram.
    public static let waitPrefix = "wait:"
    /// Field prefix of the run-time histogram.
    public static let runPrefix = "run:"
    /// Lifetime of a stats hash, set when it is created: two hours.
    public static let ttlSeconds = 7_200
    /// A day: the lifetime to give the lookup index (`{queue}:job:<id>`) when it is turned on
    /// (``EngineConfiguration/jobIndexRetention``, off by default).
    public static let jobIndexTTLSeconds = 86_400
    /// Milliseconds in one stats bucket.
    public static let minuteMilliseconds: Int64 = 60_000

    /// The minute number (ms since the epoch / 60000) of a time in ms since the epoch.
    public static func minute(ofMilliseconds milliseconds: Int64) -> Int64 {
        milliseconds >= 0 ? milliseconds / Self.minuteMilliseconds : (milliseconds - Self.minuteMilliseconds + 1) / Self.minuteMilliseconds
    }

    /// The enqueue-to-start latency of an attempt starting at `startedAt` (ms since the epoch).
    ///
    /// First attempts count from the producer's `enqueued_at` when given, else from the entry ID's
    /// time; later attempts from their entry ID (the time the retry was put back on the stream,
    /// so the back-off delay is not counted as waiting). Never negative (clock skew).
    public static func waitMilliseconds(entryID: String, enqueuedAt: Int64?, attempt: Int, startedAt: Int64) -> Int64 {
        let since: Int64?
        if attempt <= 1, let enqueuedAt {
            since = enqueuedAt
        } else {
            since = Self.milliseconds(ofEntryID: entryID) ?? enqueuedAt
        }
        guard let since else { return 0 }
        return max(0, startedAt - since)
    }

    /// The time part of a stream entry ID (`<ms>-<seq>`), `nil` when it is not one.
    public static func milliseconds(ofEntryID id: String) -> Int64? {
        // Bytes, not Characters, and no intermediate string: this runs for every job.
        var value: Int64 = 0
        var digits = 0
        for byte in id.utf8 {
            if byte == UInt8(ascii: "-") {
                return digits == 0 ? nil : value
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 19 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
            digits += 1
        }
        return nil
    }
}
