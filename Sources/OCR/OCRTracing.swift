import Tracing

/// Spans around OCR work (a child of the caller's span, e.g. the job's; nothing recorded when
/// no tracer is bootstrapped). Attributes describe sizes and confidence, never recognised text.
enum OCRTracing {
    /// Runs `body` in an internal span named `name`; a thrown error is recorded on it.
    static func span<T, E: Error>(_ name: String, _ body: (any Span) async throws(E) -> T) async throws(E) -> T {
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
}
