import Tracing

/// Where jobs meet swift-distributed-tracing: the parent of a job's span, the `traceparent` a
/// producer writes, and the span attribute names.
///
/// The engine depends on the tracing API only; the process bootstraps a tracer (or none, and the
/// global `NoOpTracer` makes every span free). Context crosses the queue as the W3C
/// `traceparent` field (docs/protocol.md), read and written through the bootstrapped instrument.
public enum JobTracing {
    /// Span attribute names of the job span.
    public enum Attribute {
        /// The queue (stream key), OpenTelemetry's messaging convention.
        public static let queue = "messaging.destination.name"
        /// The job type.
        public static let type = "blueprint.job.type"
        /// The job ID.
        public static let jobID = "blueprint.job.id"
        /// The attempt, 1 for the first run.
        public static let attempt = "blueprint.job.attempt"
        /// How the run ended: succeeded, retried, deferred, rejected, dead, duplicate, discarded, interrupted.
        public static let outcome = "blueprint.job.outcome"
        /// Set (true) when the job carried a `traceparent` that is not valid W3C trace context.
        public static let invalidTraceparent = "blueprint.job.traceparent_invalid"
        /// How many jobs' outcomes one batch write records (OpenTelemetry's messaging convention).
        public static let batchSize = "messaging.batch.message_count"
    }

    /// The span of a batch write of successful outcomes, linked to each job's span.
    public static let recordOutcomesSpanName = "record outcomes"

    /// `true` when a tracer other than the no-op one is in force (bootstrapped, or scoped to the
    /// calling task). The lookup takes a lock and a cast: callers on a hot path ask once.
    public static var isTracing: Bool { !(InstrumentationSystem.tracer is NoOpTracer) }

    /// The context a job's span starts from: the producer's span when `traceparent` is valid W3C
    /// trace context and the tracer understands it, else a new trace. `isValid` is false when a
    /// value was given but refused.
    static func parentContext(traceparent: String?) -> (context: InstrumentationContext, isValid: Bool) {
        var context = InstrumentationContext.topLevel
        guard let traceparent else { return (context, true) }
        guard let parsed = try? TraceParent(parsing: traceparent) else { return (context, false) }
        InstrumentationSystem.instrument.extract(
            [JobEnvelope.Field.traceparent: parsed.description], into: &context, using: TraceCarrierExtractor())
        return (context, true)
    }

    /// The `traceparent` of the caller's current span (task-local context), or `nil` when there
    /// is none or no tracer is bootstrapped.
    public static func currentTraceparent() -> String? {
        guard let context = InstrumentationContext.current else { return nil }
        var carrier: [String: String] = [:]
        InstrumentationSystem.instrument.inject(context, into: &carrier, using: TraceCarrierInjector())
        guard let value = carrier[JobEnvelope.Field.traceparent], (try? TraceParent(parsing: value)) != nil else { return nil }
        return value
    }
}
