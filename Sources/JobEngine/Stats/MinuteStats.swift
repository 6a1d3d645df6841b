/// One minute of a queue's job statistics, as read back from its stats hash (``JobStatsSchema``).
///
/// Parsing is lenient and never fails: fields it does not know, values that are not
/// non-negative integers, and unknown buckets are ignored (the hash is written only by the
/// engine, but it lives in a shared Redis).
public struct MinuteStats: Sendable, Hashable {
    /// The minute (ms since the epoch / 60000).
    public var minute: Int64
    /// Count per outcome name (``JobStatsSchema/Outcome``); absent outcomes are 0.
    public var outcomes: [String: Int64]
    /// Enqueue-to-start latencies of the attempts counted.
    public var wait: LatencyHistogram
    /// Run times of the attempts counted.
    public var run: LatencyHistogram

    /// An empty minute.
    public init(minute: Int64) {
        self.minute = minute
        self.outcomes = [:]
        self.wait = LatencyHistogram()
        self.run = LatencyHistogram()
    }

    /// Parses the field/value pairs of a stats hash (`HGETALL`).
    public init(minute: Int64, fields: some Sequence<(String, String)>) {
        self.init(minute: minute)
        for (field, value) in fields {
            guard value.utf8.count <= 19, let count = Int64(value), count > 0 else { continue }
            if JobStatsSchema.Outcome.all.contains(field) {
                let (sum, overflow) = self.outcomes[field, default: 0].addingReportingOverflow(count)
                self.outcomes[field] = overflow ? .max : sum
            } else if field.hasPrefix(JobStatsSchema.waitPrefix) {
                if let index = LatencyHistogram.bucketIndex(label: field.dropFirst(JobStatsSchema.waitPrefix.count)) {
                    self.wait.add(count: count, toBucket: index)
                }
            } else if field.hasPrefix(JobStatsSchema.runPrefix) {
                if let index = LatencyHistogram.bucketIndex(label: field.dropFirst(JobStatsSchema.runPrefix.count)) {
                    self.run.add(count: count, toBucket: index)
                }
            }
        }
    }

    /// The count of one outcome (0 when absent).
    public func count(_ outcome: String) -> Int64 { self.outcomes[outcome] ?? 0 }
}
