import InMemoryTracing
import SpanSupport
import Testing
import Tracing

/// The one internal-span helper the image and OCR code share: names, kind, parent, errors.
@Suite("Internal spans")
struct InternalSpanTests {
    struct Refused: Error, Equatable {}

    @Test func aSpanIsAnInternalChildOfTheCallersSpan() async throws {
        let tracer = W3CTestTracer()
        let (value, parent): (Int, InMemorySpanContext?) = await withTracer(tracer) {
            await withSpan("job", ofKind: .consumer) { job in
                let value = await withInternalSpan("work") { span in
                    span.attributes["work.size"] = 3
                    return 42
                }
                return (value, job.context.inMemorySpanContext)
            }
        }
        #expect(value == 42)
        let work = try #require(tracer.finishedSpans.first { $0.operationName == "work" })
        #expect(work.kind == .internal)
        #expect(work.parentSpanID == parent?.spanID)
        #expect(work.attributes["work.size"]?.toSpanAttribute() == .int64(3))
        #expect(work.errors.isEmpty && work.status == nil)
    }

    @Test func aThrownErrorIsRecordedAndRethrownWithItsType() async throws {
        let tracer = W3CTestTracer()
        let caught: Refused? = await withTracer(tracer) {
            do throws(Refused) {
                _ = try await withInternalSpan("refused") { (_) throws(Refused) -> Int in throw Refused() }
                return nil
            } catch {
                return error
            }
        }
        #expect(caught == Refused())
        let span = try #require(tracer.finishedSpans.first { $0.operationName == "refused" })
        #expect(span.status?.code == .error)
        #expect(span.errors.count == 1)
    }
}
