/// How sure an enqueue is that the job survives a failover of the Redis master.
///
/// Redis replicates asynchronously: a job acknowledged by the master alone is lost if the master
/// dies before a replica copied it. ``replicas(_:timeout:)`` sends `WAIT n timeout` after the
/// `XADD` on the same connection, so the enqueue returns only once `n` replicas have the job.
public enum EnqueueDurability: Sendable, Hashable {
    /// Acknowledged by the master (the default; one round trip).
    case master
    /// Acknowledged by at least `count` replicas within `timeout` (`WAIT count timeout_ms`);
    /// otherwise the enqueue throws ``ReplicaAcknowledgementError`` (the job *is* on the master).
    /// A timeout below 1 ms is raised to 1 ms, since `WAIT n 0` would wait forever.
    case replicas(Int, timeout: Duration)

    /// The `WAIT` arguments, `nil` for ``master``.
    var waitArguments: (replicas: Int, milliseconds: Int64)? {
        guard case .replicas(let count, let timeout) = self, count > 0 else { return nil }
        let (seconds, attoseconds) = timeout.components
        let milliseconds =
            seconds.multipliedReportingOverflow(by: 1000).partialValue + attoseconds / 1_000_000_000_000_000
        return (count, max(1, milliseconds))
    }
}
