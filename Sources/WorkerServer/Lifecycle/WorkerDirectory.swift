import Foundation
import RESP
import RedisClient

/// The registry of live workers in Redis: each worker's heartbeat record under
/// `blueprint:worker:<id>` (expires after ``ttl``) and its last beat in the sorted set
/// `blueprint:workers` (score = ms since the epoch), so listing never scans the keyspace.
public struct WorkerDirectory: Sendable {
    /// Sorted set of worker IDs by last heartbeat.
    public static let indexKey = "blueprint:workers"
    /// How long a record lives without a new heartbeat.
    public let ttl: Duration
    let client: RedisClient
    let now: @Sendable () -> Int64

    /// Creates a directory reading and writing through `client`.
    public init(
        client: RedisClient, ttl: Duration = .seconds(15),
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    ) {
        self.client = client
        self.ttl = ttl
        self.now = now
    }

    static func recordKey(_ id: String) -> String { "blueprint:worker:" + id }

    /// Writes a heartbeat record and drops index entries that expired long ago.
    public func beat(_ info: WorkerInfo) async throws {
        let data = try JSONEncoder.snakeCase.encode(info)
        let ttlMilliseconds =
            self.ttl.components.seconds * 1000 + self.ttl.components.attoseconds / 1_000_000_000_000_000
        _ = try await self.client.pipeline([
            RESPCommand(
                "SET", [Self.recordKey(info.id), String(decoding: data, as: UTF8.self), "PX", String(ttlMilliseconds)]),
            RESPCommand("ZADD", [Self.indexKey, String(info.lastSeen), info.id]),
            RESPCommand("ZREMRANGEBYSCORE", [Self.indexKey, "-inf", String(info.lastSeen - 10 * ttlMilliseconds)]),
        ])
    }

    /// Removes a worker's records (on graceful shutdown).
    public func remove(_ id: String) async throws {
        _ = try await self.client.pipeline([
            RESPCommand("DEL", [Self.recordKey(id)]),
            RESPCommand("ZREM", [Self.indexKey, id]),
        ])
    }

    /// Workers whose heartbeat record has not expired, most recently seen first.
    public func live() async throws -> [WorkerInfo] {
        let ttlMilliseconds = Int64(self.ttl.components.seconds * 1000)
        let ids =
            try await self.client.send(
                RESPCommand("ZRANGEBYSCORE", [Self.indexKey, String(self.now() - ttlMilliseconds), "+inf"])
            ).array?.compactMap(\.string) ?? []
        guard !ids.isEmpty else { return [] }
        let records = try await self.client.pipeline(ids.map { RESPCommand("GET", [Self.recordKey($0)]) })
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return records.compactMap { reply in
            guard let text = reply.string else { return nil }
            return try? decoder.decode(WorkerInfo.self, from: Data(text.utf8))
        }.sorted { $0.lastSeen > $1.lastSeen }
    }
}
