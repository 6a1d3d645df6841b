/// A stream entry named with its lane: entry IDs are only unique within one stream, and a queue's
/// lanes are three streams, so a consumer's in-flight jobs are keyed by ``key``.
///
/// The key of a `default` entry is its plain ID (`1700000000000-0`), so the one-lane path keys
/// jobs as before; the others are `critical:1700000000000-0` and `bulk:...` (IDs never hold `:`).
struct LaneEntry: Hashable, Sendable {
    let lane: JobPriority
    let id: String

    init(lane: JobPriority, id: String) {
        self.lane = lane
        self.id = id
    }

    /// Parses a ``key``; a key without a known lane prefix is a `default` entry's ID.
    init(key: String) {
        if let colon = key.firstIndex(of: ":"), let lane = JobPriority(rawValue: String(key[..<colon])),
            lane != .default
        {
            self.lane = lane
            self.id = String(key[key.index(after: colon)...])
        } else {
            self.lane = .default
            self.id = key
        }
    }

    /// The in-flight key.
    var key: String {
        self.lane == .default ? self.id : "\(self.lane.rawValue):\(self.id)"
    }

    /// Groups keys by lane, in reading order, keeping only lanes with entries.
    static func group(_ keys: some Sequence<String>) -> [(lane: JobPriority, ids: [String])] {
        var byLane: [[String]] = [[], [], []]
        for key in keys {
            let entry = LaneEntry(key: key)
            byLane[entry.lane.index].append(entry.id)
        }
        return JobPriority.readingOrder.compactMap { byLane[$0.index].isEmpty ? nil : ($0, byLane[$0.index]) }
    }
}
