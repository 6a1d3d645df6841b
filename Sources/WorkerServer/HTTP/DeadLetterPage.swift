/// One page of dead letters (`GET /api/queues/{queue}/dead`).
struct DeadLetterPage: Encodable, Sendable {
    /// One dead letter: its ID in `{queue}:dead` and its fields (job fields plus error, attempts, worker, failed_at).
    struct Item: Encodable, Sendable {
        var id: String
        var fields: [String: String]
        /// The partition whose `{queue~i}:dead` holds it, for a partitioned queue; `nil` otherwise.
        var partition: Int?
    }

    var queue: String
    var dead: [Item]
    /// Pass as `after` for the next page; `nil` on the last page.
    var nextAfter: String?
}
