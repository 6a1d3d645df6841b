/// Counts of durations in fixed, roughly logarithmic buckets, and percentiles read from them.
///
/// The same bucket bounds are used by every worker (they name the fields of the per-minute stats
/// hashes, see ``JobStatsSchema``), so histograms written by many workers add up. A bucket is
/// named by its upper bound in milliseconds (`"100"` counts 50 < d ≤ 100 ms); the last one,
/// `"inf"`, counts everything above the largest bound.
///
/// A value type with no I/O.
public struct LatencyHistogram: Sendable, Hashable {
    /// Upper bounds of the finite buckets, in milliseconds, ascending.
    public static let bounds: [Int64] = [
        1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000, 300_000, 900_000, 3_600_000,
    ]
    /// The label of the bucket above the largest bound.
    public static let overflowLabel = "inf"

    /// Count per bucket: `bounds.count` finite buckets, then the overflow bucket.
    public private(set) var counts: [Int64]

    /// An empty histogram.
    public init() {
        self.counts = Array(repeating: 0, count: Self.bounds.count + 1)
    }

    /// The number of values counted.
    public var total: Int64 { self.counts.reduce(0, &+) }

    /// The index of the bucket holding `milliseconds` (negative values count as 0).
    public static func bucketIndex(milliseconds: Int64) -> Int {
        let value = max(0, milliseconds)
        // 18 bounds: a linear scan is as fast as a binary search here.
        for (index, bound) in Self.bounds.enumerated() where value <= bound { return index }
        return Self.bounds.count
    }

    /// The field-name label of a bucket (`"100"`, ..., `"inf"`).
    public static func label(ofBucket index: Int) -> String {
        index < Self.bounds.count ? String(Self.bounds[index]) : Self.overflowLabel
    }

    /// The label of the bucket holding `milliseconds`.
    public static func label(milliseconds: Int64) -> String {
        Self.label(ofBucket: Self.bucketIndex(milliseconds: milliseconds))
    }

    /// The bucket a label names, `nil` for anything that is not exactly one of the labels.
    public static func bucketIndex(label: Substring) -> Int? {
        if label == Self.overflowLabel { return Self.bounds.count }
        guard label.count <= 8, label.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int64(label) else { return nil }
        return Self.bounds.firstIndex(of: value)
    }

    /// Counts one value.
    public mutating func add(milliseconds: Int64) {
        self.counts[Self.bucketIndex(milliseconds: milliseconds)] &+= 1
    }

    /// Adds `count` values to one bucket (negative counts are ignored; sums saturate).
    public mutating func add(count: Int64, toBucket index: Int) {
        guard count > 0, self.counts.indices.contains(index) else { return }
        let (sum, overflow) = self.counts[index].addingReportingOverflow(count)
        self.counts[index] = overflow ? .max : sum
    }

    /// Adds every count of `other`.
    public mutating func merge(_ other: LatencyHistogram) {
        for index in other.counts.indices { self.add(count: other.counts[index], toBucket: index) }
    }

    /// The `quantile` (0...1) in milliseconds, interpolated linearly inside its bucket; `nil` when empty.
    ///
    /// Values in the overflow bucket are reported as the largest bound (a lower bound of the truth).
    public func percentile(_ quantile: Double) -> Double? {
        let total = self.total
        guard total > 0, quantile.isFinite else { return nil }
        let q = min(1, max(0, quantile))
        // The rank of the value wanted, 1-based: the smallest r with r >= q * total.
        let rank = max(1, (q * Double(total)).rounded(.up))
        var below: Double = 0
        for (index, count) in self.counts.enumerated() where count > 0 {
            let c = Double(count)
            if below + c >= rank {
                if index == Self.bounds.count { return Double(Self.bounds[Self.bounds.count - 1]) }
                let lower = index == 0 ? 0 : Double(Self.bounds[index - 1])
                let upper = Double(Self.bounds[index])
                return lower + (upper - lower) * ((rank - below) / c)
            }
            below += c
        }
        return Double(Self.bounds[Self.bounds.count - 1])
    }
}
