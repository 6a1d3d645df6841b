import Foundation
import OCR
import TestSupport
import Testing

/// Garbage, truncated, oversized and hostile input: a clear OCRError each time, never a crash.
@Suite(.enabled(if: TestServers.shouldRun(TestPages.available), "needs tesseract kor+eng (scripts/apt/build/ocr.txt)"))
struct OCRBadInputTests {
    func recognize(_ image: OCRImage) async throws -> Result<OCRPage, OCRError> {
        let pool = try await OCRTestEnv.pool.get()
        do { return .success(try await pool.recognize(image: image)) } catch { return .failure(error) }
    }

    func expectError(
        _ image: OCRImage, _ expected: OCRError, containing: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let result = try await self.recognize(image)
        guard case .failure(let error) = result else {
            Issue.record("expected \(expected.shortDescription), got a page", sourceLocation: sourceLocation)
            return
        }
        #expect(error == expected, "\(error.message)", sourceLocation: sourceLocation)
        #expect(error.message.contains(containing), "\(error.message)", sourceLocation: sourceLocation)
        #expect(error.isPermanent, sourceLocation: sourceLocation)
    }

    @Test func emptyAndShortInput() async throws {
        try await self.expectError(.encoded(Data()), .emptyImage(), containing: "empty")
        try await self.expectError(.encoded(Data([0x89, 0x50, 0x4E, 0x47])), .undecodable(""), containing: "too short")
    }

    @Test func garbageBytes() async throws {
        try await self.expectError(
            .encoded(Data("hello, this is not an image at all".utf8)), .unsupportedFormat(""), containing: "unsupported"
        )
        var generator = SystemRandomNumberGenerator()
        let random = Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let result = try await self.recognize(.encoded(random))
        if case .success = result { Issue.record("random bytes decoded as an image") }
    }

    @Test func pdfIsRefusedWithAClearMessage() async throws {
        let pdf = Data("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n".utf8)
        try await self.expectError(.encoded(pdf), .unsupportedFormat(""), containing: "PDF")
    }

    @Test func hugeDimensionsAreRefusedFromTheHeader() async throws {
        try await self.expectError(
            .encoded(pngHeader(width: 100_000, height: 100_000)), .tooLarge(""), containing: "100000x100000")
        try await self.expectError(
            .encoded(pngHeader(width: 0x7FFF_FFFF, height: 0x7FFF_FFFF)), .tooLarge(""), containing: "too large")
    }

    @Test func headerOnlyAndTruncatedImages() async throws {
        // A valid header with no pixel data.
        try await self.expectError(
            .encoded(pngHeader(width: 100, height: 100)), .undecodable(""), containing: "corrupt")
        let directory = try makeTemporaryDirectory("ocr-bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        let png = try TestPages.render("잘린 이미지", name: "cut", in: directory)
        let data = try Data(contentsOf: URL(fileURLWithPath: png))
        for length in [20, 40, data.count / 2, data.count - 13] {
            let result = try await self.recognize(.encoded(data.prefix(length)))
            guard case .failure(let error) = result else {
                Issue.record("a PNG cut to \(length) of \(data.count) bytes decoded")
                continue
            }
            #expect(error.isPermanent, "\(error.message)")
        }
    }

    @Test func corruptedBytesNeverCrash() async throws {
        let directory = try makeTemporaryDirectory("ocr-fuzz")
        defer { try? FileManager.default.removeItem(at: directory) }
        let png = try TestPages.render("손상", name: "fuzz", in: directory, pointSize: 20)
        var samples: [Data] = []
        for format in ["png", "jpg", "tiff", "webp", "gif", "bmp"] {
            let path = directory.appendingPathComponent("fuzz-src.\(format)").path
            try TestPages.convert([png, path], in: directory)
            samples.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        var generator = SystemRandomNumberGenerator()
        for sample in samples {
            for _ in 0..<15 {
                var bytes = [UInt8](sample)
                for _ in 0..<8 {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(
                        in: 0...255, using: &generator)
                }
                _ = try await self.recognize(
                    .encoded(Data(bytes.prefix(Int.random(in: 1...bytes.count, using: &generator)))))
            }
        }
        // Reaching here means no input crashed the process.
        let result = try await self.recognize(.file(path: png))
        #expect((try? result.get()) != nil, "the engine still works after the corrupt inputs")
    }

    @Test func rawPixelsWithBadDimensions() async throws {
        try await self.expectError(.gray(width: 0, height: 10, bytes: Data()), .emptyImage(), containing: "0x10")
        try await self.expectError(.gray(width: -5, height: 10, bytes: Data()), .emptyImage(), containing: "empty")
        try await self.expectError(
            .gray(width: 10, height: 10, bytes: Data(count: 99)), .invalidDimensions(""),
            containing: "needs 100 bytes, got 99")
        try await self.expectError(
            .gray(width: Int.max, height: 3, bytes: Data(count: 3)), .tooLarge(""), containing: "too large")
        try await self.expectError(
            .gray(width: 10_000, height: 10_000, bytes: Data(count: 3)), .tooLarge(""), containing: "limit")
    }

    @Test func oversizedEncodedInputAndMissingFiles() async throws {
        var configuration = OCRConfiguration()
        configuration.maximumBytes = 1000
        configuration.engines = 1
        try await OCREnginePool.withPool(configuration: configuration) { pool in
            await #expect(throws: OCRError.tooLarge("")) {
                try await pool.recognize(image: .encoded(Data(count: 1001)))
            }
        }
        try await self.expectError(.file(path: "/nonexistent/page.png"), .undecodable(""), containing: "not found")
        try await self.expectError(.file(path: "/tmp"), .undecodable(""), containing: "not a regular file")
    }
}
