import Crypto
import Foundation
import RESP
import RedisClient

/// Per-subject limits in Redis, atomic across any number of workers and producers: one
/// ``RateLimitScript`` call per check.
///
/// Workers use it through ``RateLimitPolicy``; the main server (a producer) calls ``check(_:subject:cost:token:consume:)``
/// before enqueueing to answer HTTP 429 early, with the same keys, so both count against one quota:
///
/// ```swift
/// let limiter = RateLimiter(client: redis)
/// let decision = try await limiter.check(.email, subject: RateLimiter.subject(userID: "42"), token: requestID)
/// if !decision.allowed { /* 429, Retry-After: decision.retryAfterSeconds(now:) */ }
/// ```
///
/// When the producer consumes with token = the job's `idempotency_key` and the worker checks the
/// same job (token = job id = idempotency key), the job is charged once.
public struct RateLimiter: Sendable {
    let client: RedisClient
    /// Prefix of every key; the default is part of the documented layout.
    public let keyPrefix: String
    /// Wall-clock time in ms since the epoch; injected in tests.
    public let now: @Sendable () -> Int64

    public init(client: RedisClient, keyPrefix: String = "bp:limit",
                now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }) {
        self.client = client
        self.keyPrefix = keyPrefix
        self.now = now
    }

    /// Checks `cost` units against `limit` for `subject`, consuming them when allowed and `consume` is true.
    ///
    /// - Parameter token: identifies the unit of work (job id, idempotency key); a token already
    ///   counted in the window is allowed without being charged again.
    public func check(_ limit: RateLimit, subject: String, cost: Int64 = 1, token: String, consume: Bool = true) async throws
        -> RateLimitDecision
    {
        let keys = self.keys(action: limit.action, subject: subject)
        let reply = try await self.client.eval(
            RateLimitScript.script, keys: [keys.log, keys.used],
            arguments: [String(self.now()), String(limit.windowMilliseconds), String(limit.limit), String(max(0, cost)),
                        token, consume ? "1" : "0"])
        guard let array = reply.array, array.count == 4, let allowed = array[0].int, let used = array[1].int,
              let checked = array[2].int, let freesAt = array[3].int
        else { throw RedisClientError.unexpectedReply("rate limit script", reply) }
        return RateLimitDecision(allowed: allowed == 1, used: Int64(used), limit: Int64(checked),
                                 freesAtMilliseconds: freesAt > 0 ? Int64(freesAt) : nil)
    }

    /// The two keys of one action and subject (see ``RateLimitScript``).
    public func keys(action: String, subject: String) -> (log: String, used: String) {
        let tag = "\(self.keyPrefix):{\(action):\(subject)}"
        return (tag + ":log", tag + ":used")
    }

    /// The subject of a user: `user:<id>`; ids with braces, spaces or over 128 bytes are hashed
    /// (`user#<sha256 hex prefix>`) so the key keeps one hash tag and a bounded length.
    public static func subject(userID: String) -> String {
        if userID.utf8.count <= 128, !userID.contains(where: { $0 == "{" || $0 == "}" || $0.isWhitespace || $0.isNewline }) {
            return "user:" + userID
        }
        return "user#" + Self.digest(userID)
    }

    /// The subject of a recipient (email address or phone number) for jobs without `user_id`:
    /// `rcpt:<sha256 hex prefix>` of the normalised address, so no personal data is in the key.
    public static func subject(recipient: String) -> String {
        let normalised = recipient.trimmingCharacters(in: .whitespaces).lowercased().filter { $0 != "-" && $0 != " " }
        return "rcpt:" + Self.digest(normalised)
    }

    static func digest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
    }
}
