import Testing

@testable import JobEngine

/// The pure parts of the per-minute stats: buckets, percentiles, parsing a stats hash, wait time.
@Suite("Job stats: buckets, percentiles, parsing")
struct JobStatsTests {
    @Test func bucketsAreUpperBoundsInclusive() {
        #expect(LatencyHistogram.label(milliseconds: 0) == "1")
        #expect(LatencyHistogram.label(milliseconds: 1) == "1")
        #expect(LatencyHistogram.label(milliseconds: 2) == "2")
        #expect(LatencyHistogram.label(milliseconds: 3) == "5")
        #expect(LatencyHistogram.label(milliseconds: 100) == "100")
        #expect(LatencyHistogram.label(milliseconds: 101) == "200")
        #expect(LatencyHistogram.label(milliseconds: 3_600_000) == "3600000")
        #expect(LatencyHistogram.label(milliseconds: 3_600_001) == "inf")
        #expect(LatencyHistogram.label(milliseconds: .max) == "inf")
        #expect(LatencyHistogram.label(milliseconds: -5) == "1", "clock skew counts as 0")
        #expect(LatencyHistogram.bounds == LatencyHistogram.bounds.sorted())
    }

    @Test func labelsRoundTripAndGarbageLabelsAreRefused() {
        for index in 0...LatencyHistogram.bounds.count {
            #expect(LatencyHistogram.bucketIndex(label: Substring(LatencyHistogram.label(ofBucket: index))) == index)
        }
        for bad in ["", "3", "-1", "+100", "100 ", " 100", "1e2", "0x10", "inf ", "INF", "99999999999999999999", "١٠٠", "100\u{0}"] {
            #expect(LatencyHistogram.bucketIndex(label: Substring(bad)) == nil, "\(bad.debugDescription)")
        }
    }

    @Test func percentilesInterpolateInsideTheBucket() throws {
        var histogram = LatencyHistogram()
        #expect(histogram.percentile(0.5) == nil, "empty: no percentile")
        for _ in 0..<100 { histogram.add(milliseconds: 80) }  // all in (50, 100]
        #expect(histogram.total == 100)
        #expect(histogram.percentile(0.5) == 75)
        #expect(histogram.percentile(0.9) == 95)
        #expect(histogram.percentile(1) == 100)
        #expect(histogram.percentile(0) == 50.5, "rank 1 of 100")

        // 90 fast (≤ 10 ms), 10 slow (1 s < d ≤ 2 s): p50 among the fast, p99 among the slow.
        var mixed = LatencyHistogram()
        for _ in 0..<90 { mixed.add(milliseconds: 7) }
        for _ in 0..<10 { mixed.add(milliseconds: 1500) }
        let p50 = try #require(mixed.percentile(0.5))
        let p90 = try #require(mixed.percentile(0.9))
        let p99 = try #require(mixed.percentile(0.99))
        #expect(p50 > 5 && p50 <= 10)
        #expect(p90 == 10, "the 90th value is the last fast one")
        #expect(p99 > 1000 && p99 <= 2000)
        #expect(p99 == 1900)
    }

    @Test func overflowBucketReportsTheLargestBoundAndBadQuantilesAreClamped() {
        var histogram = LatencyHistogram()
        histogram.add(milliseconds: 10 * 3_600_000)
        #expect(histogram.percentile(0.99) == 3_600_000)
        histogram.add(milliseconds: 1)
        #expect(histogram.percentile(-3) == 1)
        #expect(histogram.percentile(7) == 3_600_000)
        #expect(histogram.percentile(.nan) == nil)
    }

    @Test func countsSaturateInsteadOfTrapping() {
        var histogram = LatencyHistogram()
        histogram.add(count: .max, toBucket: 0)
        histogram.add(count: .max, toBucket: 0)
        histogram.add(count: 5, toBucket: 99)
        histogram.add(count: -5, toBucket: 0)
        #expect(histogram.counts[0] == .max)
        var other = LatencyHistogram()
        other.merge(histogram)
        other.merge(histogram)
        #expect(other.counts[0] == .max)
        #expect(other.percentile(0.5) != nil)
    }

    @Test func minuteStatsParsesTheEngineFields() {
        let stats = MinuteStats(minute: 7, fields: [
            ("succeeded", "12"), ("dead", "2"), ("retried", "3"), ("rejected", "1"), ("deferred", "4"),
            ("wait:100", "10"), ("wait:inf", "1"), ("run:5", "17"),
        ])
        #expect(stats.count("succeeded") == 12)
        #expect(stats.count("dead") == 2)
        #expect(stats.count("retried") == 3)
        #expect(stats.count("rejected") == 1)
        #expect(stats.count("deferred") == 4)
        #expect(stats.wait.total == 11)
        #expect(stats.wait.counts[LatencyHistogram.bucketIndex(milliseconds: 100)] == 10)
        #expect(stats.run.total == 17)
    }

    @Test func minuteStatsIgnoresGarbageHostileAndOversizedValues() {
        let stats = MinuteStats(minute: 1, fields: [
            ("succeeded", "-4"), ("succeeded", "abc"), ("succeeded", ""), ("succeeded", "99999999999999999999999"),
            ("succeeded", String(repeating: "9", count: 100_000)), ("dead", "1.5"), ("dead", " 3"),
            ("wait:", "5"), ("wait:7", "5"), ("wait:100:extra", "5"), ("run:-1", "5"), ("run:1e3", "5"),
            ("nonsense", "5"), ("", ""), ("__proto__", "1"), ("wait:\u{0}", "1"), (String(repeating: "x", count: 10_000), "1"),
            ("retried", "9223372036854775807"), ("retried", "9223372036854775807"),
        ])
        #expect(stats.outcomes == ["retried": .max], "only the valid counter; its sum saturates")
        #expect(stats.wait.total == 0)
        #expect(stats.run.total == 0)
    }

    @Test func minutesAndEntryTimes() {
        #expect(JobStatsSchema.minute(ofMilliseconds: 0) == 0)
        #expect(JobStatsSchema.minute(ofMilliseconds: 59_999) == 0)
        #expect(JobStatsSchema.minute(ofMilliseconds: 60_000) == 1)
        #expect(JobStatsSchema.minute(ofMilliseconds: -1) == -1)
        #expect(JobStatsSchema.milliseconds(ofEntryID: "1700000000123-4") == 1_700_000_000_123)
        #expect(JobStatsSchema.milliseconds(ofEntryID: "9223372036854775807-0") == .max)
        #expect(JobStatsSchema.milliseconds(ofEntryID: "0-1") == 0)
        for bad in ["", "-", "-1", "abc-0", "12", "1 2-0", "99999999999999999999-0", "9223372036854775808-0", "１２-0"] {
            #expect(JobStatsSchema.milliseconds(ofEntryID: bad) == nil, "\(bad)")
        }
    }

    @Test func waitCountsFromEnqueuedAtOnFirstAttemptsAndFromTheEntryOnRetries() {
        let start: Int64 = 1_700_000_010_000
        #expect(JobStatsSchema.waitMilliseconds(entryID: "1700000009000-0", enqueuedAt: 1_700_000_008_500, attempt: 1, startedAt: start) == 1500)
        #expect(JobStatsSchema.waitMilliseconds(entryID: "1700000009000-0", enqueuedAt: nil, attempt: 1, startedAt: start) == 1000)
        #expect(JobStatsSchema.waitMilliseconds(entryID: "1700000009000-0", enqueuedAt: 1_600_000_000_000, attempt: 3, startedAt: start) == 1000,
                "the back-off before a retry is not waiting")
        #expect(JobStatsSchema.waitMilliseconds(entryID: "1700000019000-0", enqueuedAt: nil, attempt: 1, startedAt: start) == 0, "skew: never negative")
        #expect(JobStatsSchema.waitMilliseconds(entryID: "garbage", enqueuedAt: nil, attempt: 1, startedAt: start) == 0)
    }

    @Test func statsKeysShareTheQueueSlot() {
        let keys = QueueKeys(queue: "email_queue", group: "g")
        #expect(keys.stats(minute: 28_333_333) == "{email_queue}:stats:28333333")
        #expect(keys.jobIndex(jobID: "abc") == "{email_queue}:job:abc")
    }
}
