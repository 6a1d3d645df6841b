import InMemoryTracing
import JobEngine
import Tracing

/// swift-distributed-tracing's `InMemoryTracer` with W3C IDs and the W3C `traceparent`
/// propagation the worker uses in production (swift-otel's propagator), through ``TraceParent``.
/// Installed per test with `withTracer`, never bootstrapped globally.
struct W3CTestTracer: Tracer {
    let memory = InMemoryTracer(
        idGenerator: .init(nextTraceID: { Self.randomHex(16) }, nextSpanID: { Self.randomHex(8) }))

    var finishedSpans: [FinishedInMemorySpan] { self.memory.finishedSpans }

    func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> InstrumentationContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> InMemorySpan {
        self.memory.startSpan(operationName, context: context(), ofKind: kind, at: instant(), function: function, file: fileID, line: line)
    }

    func forceFlush() {}

    func inject<Carrier, Inject: Injector>(_ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {
        guard let span = context.inMemorySpanContext, let parent = try? TraceParent(traceID: span.traceID, spanID: span.spanID) else {
            return
        }
        injector.inject(parent.description, forKey: "traceparent", into: &carrier)
    }

    func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract)
    where Extract.Carrier == Carrier {
        guard let text = extractor.extract(key: "traceparent", from: carrier), let parent = try? TraceParent(parsing: text) else { return }
        context.inMemorySpanContext = InMemorySpanContext(traceID: parent.traceID, spanID: parent.spanID, parentSpanID: nil)
    }

    static func randomHex(_ bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return String((0..<bytes * 2).map { _ in digits[Int(generator.next() % 16)] })
    }

    /// A random valid producer trace parent.
    static func producerParent() -> TraceParent {
        try! TraceParent(traceID: randomHex(16), spanID: randomHex(8))
    }
}
