/// What a periodic job does with ticks that passed while no worker ran (downtime).
public enum MissedTickPolicy: Sendable, Hashable {
    /// Drops them: only a tick at most ``PeriodicScheduler/onTimeGrace`` old is enqueued, so after a
    /// downtime the job runs at its next tick, not at once.
    case skip
    /// Enqueues each missed tick, oldest first; at most the `limit` most recent ones.
    case catchUp(limit: Int)

    /// `skip` or `catch_up`.
    public var name: String {
        switch self {
        case .skip: "skip"
        case .catchUp: "catch_up"
        }
    }
}
