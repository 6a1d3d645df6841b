import JobEngine

/// A queue's per-minute outcomes over a window, oldest minute first, with the window's wait and
/// run-time percentiles: the body of `GET /api/queues/{queue}/stats`.
public struct QueueStatsSeries: Codable, Sendable, Hashable {
    /// The queue (stream name).
    public var queue: String
    /// One point per minute of the window, every minute present (zeros when nothing ran).
    public var minutes: [StatsMinutePoint]
    /// Sums over the window, by outcome.
    public var totals: [String: Int64]
    /// Enqueue-to-start latency of the attempts in the window.
    public var wait: PercentileSummary
    /// Run time of the attempts in the window.
    public var run: PercentileSummary

    /// Builds the series from parsed minutes (any order; missing minutes become zeros).
    ///
    /// - Parameters:
    ///   - lastMinute: the newest minute of the window (the current one).
    ///   - count: minutes in the window.
    public init(queue: String, lastMinute: Int64, count: Int, parsed: [MinuteStats]) {
        self.queue = queue
        let byMinute = Dictionary(parsed.map { ($0.minute, $0) }, uniquingKeysWith: { first, _ in first })
        var wait = LatencyHistogram()
        var run = LatencyHistogram()
        var totals: [String: Int64] = [:]
        for outcome in JobStatsSchema.Outcome.all { totals[outcome] = 0 }
        self.minutes = []
        self.minutes.reserveCapacity(count)
        for minute in (lastMinute - Int64(count) + 1)...lastMinute {
            let stats = byMinute[minute] ?? MinuteStats(minute: minute)
            wait.merge(stats.wait)
            run.merge(stats.run)
            for (outcome, n) in stats.outcomes {
                let (sum, overflow) = totals[outcome, default: 0].addingReportingOverflow(n)
                totals[outcome] = overflow ? .max : sum
            }
            self.minutes.append(StatsMinutePoint(stats))
        }
        self.totals = totals
        self.wait = PercentileSummary(wait)
        self.run = PercentileSummary(run)
    }
}
