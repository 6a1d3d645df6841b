import JobEngine
import Prometheus
import TestSupport
import Testing

@testable import WorkerServer

@Suite("Engine metrics")
struct JobMetricsTests {
    @Test func countsByOutcomeWithBoundedLabels() {
        let registry = PrometheusCollectorRegistry()
        let metrics = PrometheusJobMetrics(registry: registry, queues: ["email_queue"], types: ["send_email"])
        metrics.record(queue: "email_queue", type: "send_email", outcome: .succeeded, durationMilliseconds: 12)
        metrics.record(queue: "email_queue", type: "send_email", outcome: .succeeded, durationMilliseconds: 30)
        metrics.record(queue: "email_queue", type: "send_email", outcome: .retried, durationMilliseconds: 5)
        metrics.record(queue: "email_queue", type: "user@example.com", outcome: .dead, durationMilliseconds: 1)
        metrics.record(queue: "email_queue", type: "send_email", outcome: .deferred, durationMilliseconds: 0)
        let text = registry.emitToString()
        #expect(text.contains(#"blueprint_jobs_processed_total{queue="email_queue",type="send_email"} 3"#))
        #expect(text.contains(#"blueprint_jobs_succeeded_total{queue="email_queue",type="send_email"} 2"#))
        #expect(text.contains(#"blueprint_jobs_failed_total{queue="email_queue",type="send_email"} 1"#))
        #expect(text.contains(#"blueprint_jobs_deferred_total{queue="email_queue",type="send_email"} 1"#))
        #expect(text.contains(#"blueprint_jobs_dead_total{queue="email_queue",type="unknown"} 1"#))
        #expect(text.contains(#"blueprint_job_duration_seconds_count{queue="email_queue",type="send_email"} 3"#))
        #expect(!text.contains("example.com"))
    }
}
