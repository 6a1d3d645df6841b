/// Body of `POST /api/queues/{queue}/dead/replay` and `.../purge`: some IDs, or all.
struct DeadLetterSelection: Decodable, Sendable {
    var ids: [String]?
    var all: Bool?
    /// Only this partition of a partitioned queue; `nil`: every partition (an ID present in two
    /// partitions' dead letters then selects both).
    var partition: Int?
}
