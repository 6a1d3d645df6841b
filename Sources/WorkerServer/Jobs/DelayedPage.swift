/// The body of `GET /api/queues/{queue}/delayed`: the soonest-due retries first.
public struct DelayedPage: Codable, Sendable, Hashable {
    /// The queue (stream name).
    public var queue: String
    /// How many jobs the delayed set holds in all.
    public var total: Int
    /// The first `limit` of them, soonest due first.
    public var delayed: [DelayedJob]
}
