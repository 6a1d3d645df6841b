import Foundation
import JobEngine
import RedisClient

/// What the worker learnt about a file's content (its result), kept in Redis for ``ttl`` under
/// the content's SHA-256, so a second job for the same bytes answers from the cache instead of
/// scanning and transforming again.
///
/// Keys: `bp:files:meta:<sha256>:<operation>` (`document`, `image:profile:512,256:webp`...). A
/// cache that cannot be read or written is skipped (the job does the work), never an error.
public struct FileMetadataCache: Sendable {
    public let redis: RedisClient
    public var ttl: Duration
    public var keyPrefix = "bp:files:meta"

    public init(redis: RedisClient, ttl: Duration) {
        self.redis = redis
        self.ttl = ttl
    }

    /// The key of one operation on one content.
    public func key(sha256: String, operation: String) -> String { "\(self.keyPrefix):\(sha256):\(operation)" }

    /// The cached result, if any and decodable.
    public func get<Value: Decodable>(_ type: Value.Type, sha256: String, operation: String) async -> Value? {
        guard let reply = try? await self.redis.send("GET", self.key(sha256: sha256, operation: operation)),
              let text = reply.string
        else { return nil }
        return try? JSONDecoder().decode(Value.self, from: Data(text.utf8))
    }

    /// Caches `value` for ``ttl`` (best effort).
    public func set<Value: Encodable>(_ value: Value, sha256: String, operation: String) async {
        guard let data = try? JSONEncoder().encode(value) else { return }
        _ = try? await self.redis.send(
            "SET", self.key(sha256: sha256, operation: operation), String(decoding: data, as: UTF8.self),
            "PX", String(max(1, self.ttl.milliseconds)))
    }
}
