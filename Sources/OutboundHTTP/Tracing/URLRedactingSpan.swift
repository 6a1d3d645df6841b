import Tracing

/// A span that forwards everything to `wrapped` except the attributes of
/// ``URLRedactingTracer/droppedAttributes``.
struct URLRedactingSpan: Span {
    let wrapped: any Span

    var context: InstrumentationContext { self.wrapped.context }

    var operationName: String {
        get { self.wrapped.operationName }
        nonmutating set { self.wrapped.operationName = newValue }
    }

    var attributes: SpanAttributes {
        get { self.wrapped.attributes }
        nonmutating set {
            var kept = SpanAttributes()
            newValue.forEach { key, value in
                if !URLRedactingTracer.droppedAttributes.contains(key) { kept[key] = value }
            }
            self.wrapped.attributes = kept
        }
    }

    var isRecording: Bool { self.wrapped.isRecording }

    func setStatus(_ status: SpanStatus) {
        self.wrapped.setStatus(status)
    }

    func addEvent(_ event: SpanEvent) {
        self.wrapped.addEvent(event)
    }

    func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {
        self.wrapped.recordError(error, attributes: attributes, at: instant())
    }

    func addLink(_ link: SpanLink) {
        self.wrapped.addLink(link)
    }

    func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        self.wrapped.end(at: instant())
    }
}
