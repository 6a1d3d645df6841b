import JobEngine
import Foundation
import Logging

/// Enforces ``RateLimitRules`` before a job runs: over the limit -> outcome `rejected`, reason
/// `rate_limited`, with the time it frees up (nothing sent, no retry, not a dead letter).
///
/// Subject: the job's `user_id`. A job without one is limited per recipient instead (its `to`
/// argument, hashed) so a verification code cannot be sent to one address or phone again and
/// again; a job with neither is not limited per user: it is bounded by the queue's concurrency
/// and its dependencies' circuit breakers, and the producer is expected to limit it (for example
/// per IP) with ``RateLimiter`` before enqueueing.
///
/// Byte limits charge the job's `size_bytes` argument; an upload job without it is not charged
/// here (its handler can charge the real size through ``RateLimiter`` once it knows it).
/// When Redis cannot be asked, the job is deferred briefly rather than run unchecked.
public struct RateLimitPolicy: JobPolicy {
    public let limiter: RateLimiter
    public let rules: RateLimitRules
    /// The integer argument that holds a job's byte cost.
    public var costArgument: String = "size_bytes"
    /// Deferral when the check itself fails (Redis unreachable).
    public var unavailableDelay: Duration = .seconds(1)
    let logger: Logger

    public init(limiter: RateLimiter, rules: RateLimitRules, logger: Logger) {
        self.limiter = limiter
        self.rules = rules
        self.logger = logger
    }

    public func admit(_ job: JobAdmission) async -> JobAdmissionDecision {
        guard let limit = self.rules.limit(forJobType: job.type) else { return .proceed }
        var arguments: [String: Any]?
        func argumentsObject() -> [String: Any] {
            if arguments == nil {
                arguments = (try? JSONSerialization.jsonObject(with: job.arguments)) as? [String: Any] ?? [:]
            }
            return arguments!
        }
        let subject: String
        let who: String
        if let user = job.userID, !user.isEmpty {
            subject = RateLimiter.subject(userID: user)
            who = "this user"
        } else if let to = argumentsObject()["to"] as? String, !to.isEmpty {
            subject = RateLimiter.subject(recipient: to)
            who = "this recipient"
        } else {
            return .proceed
        }
        var cost: Int64 = 1
        if limit.unit == .bytes {
            guard let size = (argumentsObject()[self.costArgument] as? NSNumber)?.int64Value, size >= 0 else { return .proceed }
            cost = size
        }
        let decision: RateLimitDecision
        do {
            decision = try await self.limiter.check(limit, subject: subject, cost: cost, token: job.jobID)
        } catch {
            self.logger.warning("rate limit check failed; job deferred", metadata: ["job_id": "\(job.jobID)", "error": "\(error)"])
            return .deferred(untilMilliseconds: self.limiter.now() + self.unavailableDelay.milliseconds, reason: "rate limit check unavailable")
        }
        if decision.allowed { return .proceed }
        guard let freesAt = decision.freesAtMilliseconds else {
            return .rejected(reason: "rate_limited",
                             message: "a cost of \(cost) is above the whole limit of \(limit) for \(who); it never fits")
        }
        return .rejected(
            reason: "rate_limited",
            message: "limit of \(limit) reached for \(who) (\(decision.used) used); frees up at \(Self.iso8601(freesAt))")
    }

    /// `2026-11-27T02:13:05.120Z` (UTC).
    static func iso8601(_ milliseconds: Int64) -> String {
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec, Int(milliseconds % 1000))
    }
}
