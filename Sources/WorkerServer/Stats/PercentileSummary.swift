import JobEngine

/// p50 / p90 / p99 of a latency histogram, in milliseconds (interpolated inside fixed buckets,
/// see ``LatencyHistogram/percentile(_:)``); `nil` when nothing was counted.
public struct PercentileSummary: Codable, Sendable, Hashable {
    /// Values counted.
    public var count: Int64
    /// Median, ms.
    public var p50: Double?
    /// 90th percentile, ms.
    public var p90: Double?
    /// 99th percentile, ms.
    public var p99: Double?

    /// The summary of `histogram`, each percentile rounded to 0.1 ms.
    public init(_ histogram: LatencyHistogram) {
        self.count = histogram.total
        func rounded(_ value: Double?) -> Double? { value.map { ($0 * 10).rounded() / 10 } }
        self.p50 = rounded(histogram.percentile(0.5))
        self.p90 = rounded(histogram.percentile(0.9))
        self.p99 = rounded(histogram.percentile(0.99))
    }
}
