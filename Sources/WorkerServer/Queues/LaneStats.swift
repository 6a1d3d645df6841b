import JobEngine

/// Depth of one lane (stream) of a queue; the queue's totals are the sums over its lanes.
public struct LaneStats: Sendable, Codable, Equatable {
    /// `critical`, `default` or `bulk`.
    public var lane: String
    /// The lane's stream key (`{q}:critical`, `q`, `{q}:bulk`).
    public var stream: String
    /// `XLEN`: waiting + in flight.
    public var length: Int
    /// Delivered and not yet acknowledged.
    public var pending: Int
    /// Not yet delivered: `length - pending`.
    public var waiting: Int

    /// Statistics of one lane.
    public init(lane: JobPriority, stream: String, length: Int, pending: Int) {
        self.lane = lane.rawValue
        self.stream = stream
        self.length = length
        self.pending = pending
        self.waiting = max(0, length - pending)
    }
}
