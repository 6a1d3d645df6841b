import RESP
import RedisClient

/// The reply of ``EngineScripts/readLanes``: the entries read from each lane. Pure parsing.
struct LaneRead: Sendable, Equatable {
    /// Entries per lane, indexed like ``JobPriority/readingOrder``.
    private(set) var entries: [[RedisStreamEntry]] = [[], [], []]

    init() {}

    /// Parses the script's three lists (RESP2 or RESP3 arrays).
    ///
    /// - Throws: ``RedisClientError/unexpectedReply(_:_:)`` for any other shape.
    init(reply: RESPValue) throws {
        guard let lists = reply.array, lists.count == 3 else {
            throw RedisClientError.unexpectedReply("read-lanes", reply)
        }
        for index in 0..<3 {
            self.entries[index] = try RedisStreamEntry.list(from: lists[index], command: "read-lanes")
        }
    }

    /// Builds a read from entries of `XREADGROUP` keyed by stream (the blocking read).
    init(streams: [String: [RedisStreamEntry]], keys: QueueKeys) {
        for lane in JobPriority.readingOrder {
            self.entries[lane.index] = streams[keys.stream(for: lane)] ?? []
        }
    }

    subscript(lane: JobPriority) -> [RedisStreamEntry] { self.entries[lane.index] }

    /// Entries read in all.
    var count: Int { self.entries[0].count + self.entries[1].count + self.entries[2].count }

    /// The envelopes to run, critical first.
    func envelopes() -> [JobEnvelope] {
        var out: [JobEnvelope] = []
        out.reserveCapacity(self.count)
        for lane in JobPriority.readingOrder {
            for entry in self.entries[lane.index] {
                out.append(JobEnvelope(entry: entry, deliveryCount: 1, lane: lane))
            }
        }
        return out
    }
}
