import Foundation
import JobEngine
import Logging
import RedisClient

/// Provider answers of handle lookups, kept in Redis for a while so a repeated check of the same
/// account makes no call: `verification:social:<provider>:<lower-cased handle>` holds the JSON of
/// the ``SocialLookup`` with an expiry.
///
/// Only lookups by handle (public profile data) are cached, never lookups by access token (a
/// token is never a key, even hashed). The cache is an optimisation: a Redis failure is logged
/// and the lookup goes to the provider.
public struct SocialLookupCache: Sendable {
    public let redis: RedisClient
    /// How long an existing account is kept.
    public var ttl: Duration
    /// How long "no such account" is kept (shorter: the account may be created meanwhile).
    public var notFoundTTL: Duration

    /// Creates a cache; `notFoundTTL` defaults to the shorter of `ttl` and 5 minutes.
    public init(redis: RedisClient, ttl: Duration, notFoundTTL: Duration? = nil) {
        self.redis = redis
        self.ttl = ttl
        self.notFoundTTL = notFoundTTL ?? min(ttl, .seconds(300))
    }

    /// The key of `handle`'s answer.
    public static func key(_ handle: SocialHandle) -> String {
        "verification:social:\(handle.provider.rawValue):\(handle.normalized)"
    }

    /// The cached answer for `handle`, if any (an unreadable entry counts as absent).
    public func get(_ handle: SocialHandle, logger: Logger) async -> SocialLookup? {
        do {
            guard let text = try await self.redis.send("GET", Self.key(handle)).string else { return nil }
            return try JSONDecoder().decode(SocialLookup.self, from: Data(text.utf8))
        } catch {
            logger.debug(
                "social lookup cache unreadable; asking the provider", metadata: ["error": "\(type(of: error))"])
            return nil
        }
    }

    /// Keeps `lookup` for `handle` (only `.found` and `.notFound` answers).
    public func set(_ lookup: SocialLookup, for handle: SocialHandle, logger: Logger) async {
        let ttl: Duration
        switch lookup {
        case .found: ttl = self.ttl
        case .notFound: ttl = self.notFoundTTL
        case .tokenRejected: return
        }
        guard ttl > .zero, let data = try? JSONEncoder().encode(lookup) else { return }
        do {
            _ = try await self.redis.send(
                "SET", Self.key(handle), String(decoding: data, as: UTF8.self), "PX", String(max(1, ttl.milliseconds)))
        } catch {
            logger.debug("social lookup cache not written", metadata: ["error": "\(type(of: error))"])
        }
    }
}
