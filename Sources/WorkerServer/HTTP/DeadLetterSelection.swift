/// Body of `POST /api/queues/{queue}/dead/replay` and `.../purge`: some IDs, or all.
struct DeadLetterSelection: Decodable, Sendable {
    var ids: [String]?
    var all: Bool?
}
