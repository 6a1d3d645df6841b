import Tracing

extension Span {
    /// Notes how the job run ended; a failure is recorded as an error with status `error`.
    /// Does nothing on a span that does not record (tracing off), so it costs nothing then.
    func recordJobOutcome(_ outcome: String, failure: String? = nil) {
        guard self.isRecording else { return }
        self.attributes[JobTracing.Attribute.outcome] = outcome
        if let failure {
            self.recordError(JobSpanFailure(failure))
            self.setStatus(SpanStatus(code: .error, message: String(failure.prefix(200))))
        }
    }
}
