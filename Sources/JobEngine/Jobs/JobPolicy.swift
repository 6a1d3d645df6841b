import Foundation

/// What a policy sees of a job before it runs.
public struct JobAdmission: Sendable {
    public let queue: String
    public let type: String
    public let jobID: String
    public let attempt: Int
    /// Subject of per-user limits, if the producer gave one.
    public let userID: String?
    /// The external dependencies the job type declares.
    public let dependencies: [String]
    /// The decoded `job_data` JSON (plaintext), e.g. for byte-size limits.
    public let arguments: Data
}

/// A policy's verdict on a job about to run.
public enum JobAdmissionDecision: Sendable, Equatable {
    /// Run it.
    case proceed
    /// Do not run it now and do not spend an attempt: back to `{q}:delayed` until `untilMilliseconds`
    /// (ms since the epoch). Used by open circuit breakers.
    case deferred(untilMilliseconds: Int64, reason: String)
    /// Do not run it: outcome `rejected` (e.g. `rate_limited`), no retry.
    case rejected(reason: String, message: String)
}

/// How a run ended, as policies are told.
public enum JobRunOutcome: Sendable, Equatable {
    case succeeded
    /// A dependency failed (``JobError/dependencyFailure(_:_:retryAfter:)``).
    case dependencyFailed(String)
    /// Any other failure.
    case failed
}

/// Engine-level policies every job type gets: per-user limits, circuit breakers, ...
///
/// The engine asks every policy in order before a job runs (the first non-`proceed` answer wins)
/// and tells every policy how the run ended.
public protocol JobPolicy: Sendable {
    /// Decides whether the job runs now.
    func admit(_ job: JobAdmission) async -> JobAdmissionDecision
    /// Called after the handler ran (not for jobs that were deferred or rejected).
    func completed(_ job: JobAdmission, outcome: JobRunOutcome) async
}

extension JobPolicy {
    public func completed(_ job: JobAdmission, outcome: JobRunOutcome) async {}
}
