import JobEngine
import NIOConcurrencyHelpers
import Prometheus

/// The engine's per-attempt counters and duration histograms, kept in a Prometheus registry.
///
/// Label values are bounded: `queue` is one of the configured queues and `type` one of the
/// registry's job types (anything else, e.g. an unknown type a producer sent, is counted as
/// `unknown`), so a producer cannot create new time series. The metric objects of one
/// (queue, type) pair are created once and cached: a recorded attempt costs one dictionary
/// lookup under a lock, one counter increment and one histogram observation.
public final class PrometheusJobMetrics: JobMetrics, Sendable {
    /// Upper bounds of the duration histogram buckets.
    public static let durationBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        .seconds(30), .seconds(60), .seconds(300),
    ]

    private struct Key: Hashable {
        let queue: String
        let type: String
    }

    /// The metric objects of one (queue, type) pair.
    private struct Series: Sendable {
        let processed: Counter
        let failed: Counter
        let byOutcome: [JobMetricsOutcome: Counter]
        let duration: DurationHistogram
    }

    private let registry: PrometheusCollectorRegistry
    private let queues: Set<String>
    private let types: Set<String>
    private let series = NIOLockedValueBox([Key: Series]())

    /// - Parameters:
    ///   - registry: Where the metrics are kept (and emitted from by `/metrics`).
    ///   - queues: The queues whose names may appear as label values.
    ///   - types: The job types whose names may appear as label values.
    public init(registry: PrometheusCollectorRegistry, queues: [String], types: [String]) {
        self.registry = registry
        self.queues = Set(queues)
        self.types = Set(types)
    }

    public func record(queue: String, type: String, outcome: JobMetricsOutcome, durationMilliseconds: Int64) {
        let key = Key(
            queue: self.queues.contains(queue) ? queue : "other", type: self.types.contains(type) ? type : "unknown")
        let series = self.series.withLockedValue { cache -> Series in
            if let found = cache[key] { return found }
            let made = self.makeSeries(key)
            cache[key] = made
            return made
        }
        if outcome != .deferred { series.processed.increment() }
        if outcome == .retried || outcome == .dead { series.failed.increment() }
        series.byOutcome[outcome]?.increment()
        if outcome != .deferred { series.duration.record(.milliseconds(durationMilliseconds)) }
    }

    private func makeSeries(_ key: Key) -> Series {
        let labels = [("queue", key.queue), ("type", key.type)]
        func counter(_ name: String, _ help: String) -> Counter {
            self.registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    namespace: "blueprint", metricName: name, unitName: "total", helpText: help),
                labels: labels)
        }
        var byOutcome: [JobMetricsOutcome: Counter] = [:]
        byOutcome[.succeeded] = counter("jobs_succeeded", "Attempts that succeeded.")
        byOutcome[.retried] = counter(
            "jobs_retried", "Attempts that failed transiently and were scheduled for another attempt.")
        byOutcome[.dead] = counter("jobs_dead", "Jobs moved to the dead-letter stream.")
        byOutcome[.rejected] = counter("jobs_rejected", "Jobs refused without running (e.g. rate_limited).")
        byOutcome[.deferred] = counter(
            "jobs_deferred", "Jobs put back without spending an attempt (open circuit breaker).")
        return Series(
            processed: counter("jobs_processed", "Attempts finished (succeeded, retried, dead or rejected)."),
            failed: counter("jobs_failed", "Attempts that failed (retried or dead)."),
            byOutcome: byOutcome,
            duration: self.registry.makeDurationHistogram(
                descriptor: MetricNameDescriptor(
                    namespace: "blueprint", metricName: "job_duration", unitName: "seconds",
                    helpText: "Time from the start of an attempt to its outcome."),
                labels: labels, buckets: Self.durationBuckets))
    }
}
