import JobEngine

/// Defers jobs whose declared dependencies have an open circuit breaker (DESIGN.md section 3):
/// the job goes to `{q}:delayed` until the probe time without spending an attempt, and the
/// outcome of every run that did go ahead feeds the breakers.
///
/// Put it last in ``EngineConfiguration/policies``: a job admitted as a half-open probe should
/// not then be refused by another policy (its probe slot is freed only after `probeTimeout`).
public struct CircuitBreakerPolicy: JobPolicy {
    public let breakers: CircuitBreakerRegistry

    public init(breakers: CircuitBreakerRegistry) {
        self.breakers = breakers
    }

    public func admit(_ job: JobAdmission) async -> JobAdmissionDecision {
        guard !job.dependencies.isEmpty else { return .proceed }
        guard let refusal = self.breakers.admit(job.dependencies) else { return .proceed }
        return .deferred(untilMilliseconds: refusal.retryAtMilliseconds, reason: "circuit breaker open for \(refusal.dependency)")
    }

    public func completed(_ job: JobAdmission, outcome: JobRunOutcome) async {
        switch outcome {
        case .succeeded:
            for dependency in job.dependencies { self.breakers.record(dependency, succeeded: true) }
        case .dependencyFailed(let failed):
            self.breakers.record(failed, succeeded: false)
            for dependency in job.dependencies where dependency != failed { self.breakers.record(dependency, succeeded: nil) }
        case .failed:
            for dependency in job.dependencies { self.breakers.record(dependency, succeeded: nil) }
        }
    }
}
