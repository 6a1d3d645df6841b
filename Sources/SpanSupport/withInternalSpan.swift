import Tracing

/// Runs `body` in an internal span named `name`, a child of the caller's span (e.g. the job's);
/// a thrown error is recorded on the span, which is marked as failed, and rethrown with its type.
///
/// Nothing is recorded when no tracer is bootstrapped. The caller sets the attributes: sizes,
/// formats, counts, never paths, pixels or recognised text.
public func withInternalSpan<T, E: Error>(
    _ name: String, _ body: (any Span) async throws(E) -> T
) async throws(E) -> T {
    let result: Result<T, E> = await withSpan(name, ofKind: .internal) { span in
        do throws(E) {
            return .success(try await body(span))
        } catch {
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error))
            return .failure(error)
        }
    }
    return try result.get()
}
