import Tracing

/// The tracer AsyncHTTPClient is given: the process's tracer, with spans that drop the URL's path
/// and query.
///
/// AsyncHTTPClient records `url.full`, `url.path` and `url.query` on every request span, and our
/// calls carry credentials and personal data there (pre-signed S3 queries, API keys, phone
/// numbers in provider paths). Method, scheme, host, port, sizes and status stay.
struct URLRedactingTracer: Tracer {
    /// The attributes a span never keeps.
    static let droppedAttributes: Set<String> = ["url.full", "url.path", "url.query"]

    let wrapped: any Tracer

    func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> InstrumentationContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> URLRedactingSpan {
        URLRedactingSpan(
            wrapped: self.wrapped.startSpan(
                operationName, context: context(), ofKind: kind, at: instant(), function: function, file: fileID, line: line))
    }

    /// Does nothing: flushing is the process's business (its tracer's service flushes on shutdown),
    /// and AsyncHTTPClient never asks.
    func forceFlush() {}

    func inject<Carrier, Inject: Injector>(_ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {
        self.wrapped.inject(context, into: &carrier, using: injector)
    }

    func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract)
    where Extract.Carrier == Carrier {
        self.wrapped.extract(carrier, into: &context, using: extractor)
    }
}
