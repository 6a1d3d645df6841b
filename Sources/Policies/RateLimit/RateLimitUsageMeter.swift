import ServiceModule

/// The ``UsageMeter`` of the worker: the limiter and rules of ``RateLimitPolicy``, for handlers that
/// learn the cost of a job while running it (the bytes of an upload). The subject is the user,
/// as in the policy; the job id is the token, so a job charged by the policy (it carried
/// `size_bytes`) or by an earlier attempt is not charged again.
public struct RateLimitUsageMeter: UsageMeter {
    public let limiter: RateLimiter
    public let rules: RateLimitRules

    public init(limiter: RateLimiter, rules: RateLimitRules) {
        self.limiter = limiter
        self.rules = rules
    }

    public func charge(jobType: String, userID: String, amount: Int64, token: String) async throws -> UsageCharge {
        guard let limit = self.rules.limit(forJobType: jobType) else { return .unlimited }
        let cost = limit.unit == .bytes ? max(0, amount) : 1
        let decision = try await self.limiter.check(limit, subject: RateLimiter.subject(userID: userID), cost: cost, token: token)
        if decision.allowed { return .allowed }
        guard let freesAt = decision.freesAtMilliseconds else {
            return .rejected(message: "a cost of \(cost) is above the whole limit of \(limit) for this user; it never fits")
        }
        return .rejected(
            message: "limit of \(limit) reached for this user (\(decision.used) used); frees up at \(RateLimitPolicy.iso8601(freesAt))")
    }
}
