import Foundation
import OCR
import TestSupport
import Testing

/// Real tesseract (kor+eng) on pages rendered here in Noto Sans CJK.
@Suite(
    .enabled(
        if: TestServers.shouldRun(TestPages.available),
        "needs tesseract kor+eng, ImageMagick and fonts-noto-cjk (scripts/apt/*/ocr.txt)"))
struct OCREngineTests {
    let directory: URL

    init() throws {
        self.directory = try makeTemporaryDirectory("ocr")
    }

    func recognize(_ path: String, words: Bool = false) async throws -> OCRPage {
        try await OCRTestEnv.pool.get().recognize(image: .file(path: path), includeWords: words)
    }

    @Test("a clean Korean and English page reads back with high confidence")
    func cleanPage() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let path = try TestPages.render(OCRTestEnv.certificate, name: "clean", in: self.directory)
        let page = try await self.recognize(path, words: true)
        let text = OCRTestEnv.compact(page.text)
        #expect(text.contains("재직증명서"))
        #expect(text.contains("홍길동"))
        #expect(text.contains("주식회사블루프린트"))
        #expect(text.contains("900101-1234567"))
        #expect(page.text.contains("Employment certificate"))
        #expect(page.meanConfidence >= 70)
        #expect(page.rotation == 0)
        let words = try #require(page.words)
        #expect(words.contains { $0.text.contains("홍길동") && $0.confidence > 50 && $0.box[2] > $0.box[0] })
    }

    @Test("encoded bytes in JPEG, WebP and TIFF decode like the PNG")
    func formats() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let png = try TestPages.render(OCRTestEnv.certificate, name: "formats", in: self.directory)
        for format in ["jpg", "webp", "tiff"] {
            let path = self.directory.appendingPathComponent("formats.\(format)").path
            // Leptonica reads TIFF gray+alpha only at 8 bits per sample: no alpha, 8 bits.
            try TestPages.convert([png, "-alpha", "off", "-depth", "8", path], in: self.directory)
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            do {
                let page = try await OCRTestEnv.pool.get().recognize(image: .encoded(data))
                #expect(OCRTestEnv.compact(page.text).contains("홍길동"), "\(format)")
            } catch {
                Issue.record("\(format): \(error)")
            }
        }
    }

    @Test("raw 8-bit gray pixels")
    func rawGray() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let png = try TestPages.render(OCRTestEnv.certificate, name: "raw", in: self.directory)
        let raw = self.directory.appendingPathComponent("raw.gray").path
        try TestPages.convert([png, "-depth", "8", "gray:\(raw)"], in: self.directory)
        let size = try await OCRTestEnv.pool.get().recognize(image: .file(path: png))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: raw))
        #expect(bytes.count == size.width * size.height)
        let page = try await OCRTestEnv.pool.get().recognize(
            image: .gray(width: size.width, height: size.height, bytes: bytes))
        #expect(OCRTestEnv.compact(page.text).contains("홍길동"))
    }

    @Test("a page turned 90° is read upright (OSD)", arguments: [90, 270, 180])
    func rotatedQuarter(degrees: Int) async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let path = try TestPages.render(
            OCRTestEnv.certificate, name: "rot\(degrees)", in: self.directory, effects: ["-rotate", "\(degrees)"])
        let page = try await self.recognize(path)
        let text = OCRTestEnv.compact(page.text)
        #expect(text.contains("홍길동"), "rotation \(page.rotation), confidence \(page.meanConfidence)")
        #expect(text.contains("재직증명서"))
        #expect(page.rotation == (360 - degrees) % 360)
    }

    @Test("a page skewed by a few degrees is read")
    func skewed() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let path = try TestPages.render(
            OCRTestEnv.certificate, name: "skew", in: self.directory, effects: ["-background", "white", "-rotate", "3"])
        let page = try await self.recognize(path)
        #expect(OCRTestEnv.compact(page.text).contains("홍길동"))
        #expect(OCRTestEnv.compact(page.text).contains("재직증명서"))
    }

    @Test("a low-contrast page (gray text on light gray) is read")
    func lowContrast() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let path = try TestPages.render(
            OCRTestEnv.certificate, name: "low", in: self.directory, effects: ["+level", "62%,78%"])
        let page = try await self.recognize(path)
        #expect(OCRTestEnv.compact(page.text).contains("홍길동"), "confidence \(page.meanConfidence)")
        #expect(OCRTestEnv.compact(page.text).contains("주식회사블루프린트"))
    }

    @Test("a blank page gives no text and confidence 0")
    func blank() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let path = self.directory.appendingPathComponent("blank.png").path
        try TestPages.convert(["-size", "400x300", "xc:white", path], in: self.directory)
        let page = try await self.recognize(path)
        #expect(OCRTestEnv.compact(page.text).isEmpty)
        #expect(page.meanConfidence == 0)
    }
}
