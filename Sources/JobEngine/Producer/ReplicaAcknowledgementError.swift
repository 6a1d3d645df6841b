/// Fewer replicas than asked acknowledged an enqueue within its timeout (``EnqueueDurability``).
///
/// The jobs **are** on the master (their entry IDs are here) and run normally unless the master
/// fails before replicating them; the caller decides whether to retry (which, without an
/// idempotency key, may enqueue twice), alert, or carry on.
public struct ReplicaAcknowledgementError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Entry IDs of the jobs enqueued on the master, in order.
    public let entryIDs: [String]
    /// Replicas that acknowledged (the reply of `WAIT`).
    public let acknowledged: Int
    /// Replicas asked for.
    public let required: Int

    public init(entryIDs: [String], acknowledged: Int, required: Int) {
        self.entryIDs = entryIDs
        self.acknowledged = acknowledged
        self.required = required
    }

    public var description: String {
        "ReplicaAcknowledgementError: \(entryIDs.count) job(s) enqueued on the master but acknowledged by "
            + "\(acknowledged) of \(required) replicas in time (first entry \(entryIDs.first ?? "-"))"
    }
}
