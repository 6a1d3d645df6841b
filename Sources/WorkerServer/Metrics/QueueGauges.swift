import Prometheus

/// Gauges computed at scrape time: queue state read from Redis, jobs running in this process,
/// circuit breakers. Label values come from configuration only (queue and dependency names,
/// partition numbers below `BLUEPRINT_PARTITIONS`). Queue gauges are per logical queue (totals over
/// its partitions); a partitioned queue also gets `queue_partition_*` series with a `partition` label.
struct QueueGauges: Sendable {
    let registry: PrometheusCollectorRegistry

    private func gauge(_ name: String, _ unit: String, _ help: String, _ labels: [(String, String)]) -> Gauge {
        self.registry.makeGauge(
            descriptor: MetricNameDescriptor(namespace: "blueprint", metricName: name, unitName: unit, helpText: help),
            labels: labels)
    }

    /// Sets every gauge from the current readings; `stats` `nil` means Redis could not be read.
    func update(stats: [QueueStats]?, running: [String: Int], breakers: [BreakerState]) {
        self.gauge("redis", "up", "1 when the last scrape could read Redis, else 0.", []).set(stats == nil ? 0.0 : 1.0)
        for queue in stats ?? [] {
            let labels = [("queue", queue.queue)]
            self.gauge("queue_length", "", "XLEN of the queue: jobs waiting plus in flight.", labels).set(
                Double(queue.length))
            self.gauge("queue_waiting", "", "Jobs not yet delivered to any worker.", labels).set(Double(queue.waiting))
            self.gauge("queue_pending", "", "Jobs delivered and not yet acknowledged (XPENDING).", labels).set(
                Double(queue.pending))
            self.gauge("queue_lag", "", "Consumer group lag (Redis' value, or waiting when Redis cannot tell).", labels)
                .set(Double(queue.lag))
            self.gauge("queue_delayed", "", "Retries waiting for their due time.", labels).set(Double(queue.delayed))
            self.gauge("queue_dead", "", "Dead letters.", labels).set(Double(queue.dead))
            self.gauge("queue_paused", "", "1 while the queue is paused.", labels).set(queue.paused ? 1.0 : 0.0)
            self.gauge("queue_consumers", "", "Consumers in the queue's group.", labels).set(
                Double(queue.consumers.count))
            self.gauge(
                "queue_oldest_waiting_age", "seconds", "Age of the oldest job not yet delivered (0 when none waits).",
                labels
            )
            .set(queue.oldestWaitingAgeSeconds ?? 0)
            for (index, partition) in (queue.partitions ?? []).enumerated() {
                let labels = [("queue", queue.queue), ("partition", String(index))]
                self.gauge("queue_partition_length", "", "XLEN of one partition of a partitioned queue.", labels).set(
                    Double(partition.length))
                self.gauge("queue_partition_pending", "", "Jobs in flight in one partition.", labels).set(
                    Double(partition.pending))
                self.gauge("queue_partition_delayed", "", "Retries waiting in one partition.", labels).set(
                    Double(partition.delayed))
                self.gauge("queue_partition_dead", "", "Dead letters of one partition.", labels).set(Double(partition.dead))
            }
        }
        for (queue, count) in running {
            self.gauge("jobs_running", "", "Jobs running in this worker process.", [("queue", queue)]).set(
                Double(count))
        }
        for breaker in breakers {
            self.gauge(
                "circuit_breaker_state", "", "Circuit breaker state: 0 closed, 1 half-open, 2 open.",
                [("dependency", breaker.name)]
            )
            .set(breaker.gaugeValue)
        }
    }
}
