import Foundation
import Imaging
import InMemoryTracing
import OCR
import TestSupport
import Testing
import Tracing

/// Image and OCR work as child spans of the caller's (the job's) span: real libvips and tesseract.
@Suite("CPU work spans")
struct CPUWorkSpanTests {
    @Test func imageVariantsAndEncodesAreChildSpans() async throws {
        let tracer = W3CTestTracer()
        let directory = try makeTemporaryDirectory("tracing-images")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try TestPages.render("variants", name: "photo", in: directory)
        let job: InMemorySpanContext? = try await withTracer(tracer) {
            try await CPUWorkPool.withPool(threadCount: 2) { pool in
                let processor = try ImageProcessor(pool: pool, logger: .init(label: "tracing-images"))
                return try await withSpan("job", ofKind: .consumer) { span in
                    let set = try await processor.makeVariants(fileAt: path, purpose: .profile, formats: [.webp, .jpeg])
                    #expect(set.variants.count == 6)
                    return span.context.inMemorySpanContext
                }
            }
        }
        let jobSpan = try #require(job)
        let variants = try #require(tracer.finishedSpans.first { $0.operationName == "image variants" })
        #expect(variants.parentSpanID == jobSpan.spanID)
        #expect(variants.attributes["image.purpose"]?.toSpanAttribute() == .string("profile"))
        #expect(variants.attributes["image.variants"]?.toSpanAttribute() == .int64(6))
        let encodes = tracer.finishedSpans.filter { $0.operationName == "image encode" }
        #expect(encodes.count == 6)
        #expect(encodes.allSatisfy { $0.parentSpanID == variants.spanID && $0.traceID == jobSpan.traceID })
        #expect(!"\(variants.attributes)".contains(directory.path), "no paths in spans")
    }

    @Test func aRefusedImageIsAnErrorSpan() async throws {
        let tracer = W3CTestTracer()
        let directory = try makeTemporaryDirectory("tracing-images")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("garbage.png").path
        try Data("not an image at all".utf8).write(to: URL(fileURLWithPath: path))
        try await withTracer(tracer) {
            try await CPUWorkPool.withPool(threadCount: 1) { pool in
                let processor = try ImageProcessor(pool: pool, logger: .init(label: "tracing-images"))
                await #expect(throws: ImagingError.self) {
                    _ = try await processor.makeVariants(fileAt: path, purpose: .profile)
                }
            }
        }
        let variants = try #require(tracer.finishedSpans.first { $0.operationName == "image variants" })
        #expect(variants.status?.code == .error)
        #expect(variants.errors.count == 1)
    }

    @Test func eachOCRPageIsAChildSpanWithoutItsText() async throws {
        let tracer = W3CTestTracer()
        let directory = try makeTemporaryDirectory("tracing-ocr")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try TestPages.render("CERTIFICATE 2026", name: "page", in: directory)
        var configuration = OCRConfiguration()
        configuration.engines = 1
        let job: InMemorySpanContext? = try await withTracer(tracer) {
            try await OCREnginePool.withPool(configuration: configuration) { pool in
                try await withSpan("job", ofKind: .consumer) { span in
                    let page = try await pool.recognize(image: .file(path: path))
                    #expect(page.text.contains("2026"))
                    return span.context.inMemorySpanContext
                }
            }
        }
        let jobSpan = try #require(job)
        let ocr = try #require(tracer.finishedSpans.first { $0.operationName == "ocr page" })
        #expect(ocr.parentSpanID == jobSpan.spanID)
        #expect(ocr.attributes["ocr.width"] != nil && ocr.attributes["ocr.mean_confidence"] != nil)
        #expect(!"\(ocr.attributes)".contains("CERTIFICATE"))
    }
}
