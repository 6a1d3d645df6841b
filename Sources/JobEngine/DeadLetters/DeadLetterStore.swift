import RESP
import RedisClient

/// One dead letter: the original job fields plus `error`, `attempts`, `worker`, `failed_at`, `queue`.
public struct DeadLetter: Sendable, Hashable {
    /// ID in the `{q}:dead` stream.
    public var id: String
    public var fields: [String: String]

    public var error: String? { self.fields["error"] }
    public var jobID: String? { self.fields["job_id"] }
    public var attempts: Int? { self.fields["attempts"].flatMap { Int($0) } }
}

/// Lists, replays and purges the dead letters of one queue.
public struct DeadLetterStore: Sendable {
    public let keys: QueueKeys
    public let client: RedisClient

    public init(keys: QueueKeys, client: RedisClient) {
        self.keys = keys
        self.client = client
    }

    /// Number of dead letters.
    public func count() async throws -> Int {
        try await self.client.xlen(self.keys.dead)
    }

    /// Dead letters from oldest, starting after `after` (exclusive) for paging, or at it when
    /// `includingAfter` is true.
    public func list(after: String? = nil, includingAfter: Bool = false, count: Int = 50) async throws -> [DeadLetter] {
        let start = after.map { includingAfter ? $0 : "(" + $0 } ?? "-"
        return try await self.client.xrange(self.keys.dead, start: start, end: "+", count: count)
            .map { DeadLetter(id: $0.id, fields: $0.fields) }
    }

    /// Puts dead letters back on the queue with the attempt count reset; returns how many.
    @discardableResult
    public func replay(ids: [String]) async throws -> Int {
        var replayed = 0
        for start in stride(from: 0, to: ids.count, by: 200) {
            let chunk = Array(ids[start..<min(start + 200, ids.count)])
            replayed += try await self.client.eval(
                EngineScripts.replay, keys: [self.keys.dead, self.keys.stream, self.keys.idempotency, self.keys.idempotencyIndex, self.keys.critical, self.keys.bulk],
                arguments: chunk
            ).int ?? 0
        }
        return replayed
    }

    /// Replays every dead letter present now; returns how many. Jobs that die again while this
    /// runs are not replayed a second time (the snapshot ends at the newest letter seen first).
    @discardableResult
    public func replayAll() async throws -> Int {
        let newest = try await self.client.send(RESPCommand("XREVRANGE", [self.keys.dead, "+", "-", "COUNT", "1"]))
        guard let lastID = newest.array?.first?.array?.first?.string else { return 0 }
        var total = 0
        var cursor = "-"
        while true {
            let page = try await self.client.xrange(self.keys.dead, start: cursor, end: lastID, count: 200)
            if page.isEmpty { return total }
            total += try await self.replay(ids: page.map(\.id))
            cursor = "(" + page.last!.id
        }
    }

    /// Deletes dead letters; returns how many.
    @discardableResult
    public func purge(ids: [String]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await self.client.xdel(self.keys.dead, ids: ids)
    }

    /// Deletes every dead letter; returns how many there were.
    @discardableResult
    public func purgeAll() async throws -> Int {
        let count = try await self.count()
        try await self.client.send(RESPCommand("DEL", [self.keys.dead]))
        return count
    }
}
