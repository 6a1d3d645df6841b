/// Charges a user's usage against the per-user limit of a job type from inside its handler, when
/// the cost is only known once the job runs (the bytes of an upload fetched from a URL).
///
/// The worker implements it with the same Redis limiter and rules as the limit policy, so the
/// producer's checks, the policy's and the handler's count against one quota:
///
/// ```swift
/// switch try await context.usage?.charge(jobType: "process_document", userID: user, amount: bytes, token: job.jobID) {
/// case .rejected(let message): throw JobError.rejected(reason: "rate_limited", message: message)
/// default: break
/// }
/// ```
public protocol UsageMeter: Sendable {
    /// Charges `amount` units (bytes for byte limits, 1 otherwise) of the limit that applies to
    /// `jobType` to `userID`. A `token` already charged in the window is not charged again, so
    /// a retried job pays once.
    ///
    /// - Throws: when the limit store cannot be asked (a transient failure).
    func charge(jobType: String, userID: String, amount: Int64, token: String) async throws -> UsageCharge
}

/// What ``UsageMeter/charge(jobType:userID:amount:token:)`` decided.
public enum UsageCharge: Sendable, Hashable {
    /// Charged and within the limit.
    case allowed
    /// No limit applies to this job type (or limits are off).
    case unlimited
    /// Over the limit: nothing charged; the message says which limit and when it frees up.
    case rejected(message: String)
}
