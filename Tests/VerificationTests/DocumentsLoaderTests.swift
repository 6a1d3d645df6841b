import Files
import Foundation
import Imaging
import JobEngine
import Logging
import OutboundHTTP
import Storage
import TestSupport
import Testing

@testable import Verification

/// review_document through the real source loader: an upload in (local) storage read by
/// ``FileSourceReader``, sniffed, a PDF rendered by libvips (poppler), then read by tesseract.
@Suite(
    .enabled(
        if: TestServers.shouldRun(TestPages.available),
        "needs tesseract kor+eng, ImageMagick and fonts-noto-cjk (scripts/apt/*/ocr.txt)"))
struct DocumentsLoaderTests {
    /// Runs `body` with a service whose loader reads from a fresh local storage.
    func withService(_ body: (DocumentReviewService, LocalStorage, URL) async throws -> Void) async throws {
        let directory = try makeTemporaryDirectory("documents-loader")
        defer { try? FileManager.default.removeItem(at: directory) }
        let storage = LocalStorage(directory: directory.appendingPathComponent("storage").path)
        let work = directory.appendingPathComponent("work").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try await withOutboundHTTP { http in
            try await CPUWorkPool.withPool(threadCount: 2) { renderPool in
                let logger = DocumentsTestEnv.quietLogger
                let reader = FileSourceReader(
                    storage: storage, fetcher: SafeFetcher(client: try PinnedFetch(sharing: http, logger: logger), logger: logger),
                    workDirectory: work)
                let loader = DocumentSourceLoader(reader: reader, images: try ImageProcessor(pool: renderPool, logger: logger))
                var service = DocumentReviewService(ocr: try await DocumentsTestEnv.pool.get()) { source, maximumBytes in
                    try await loader.load(source, maximumBytes: maximumBytes)
                }
                service.now = { Date(timeIntervalSince1970: 1_750_000_000) }  // June 2025
                try await body(service, storage, directory)
                #expect(try FileManager.default.contentsOfDirectory(atPath: work).isEmpty, "temporary files are removed")
            }
        }
    }

    @Test("a one-page PDF (a scanned JPEG inside) in storage is rendered by libvips and reviewed")
    func pdfFromStorage() async throws {
        try await self.withService { service, storage, directory in
            let jpeg = try TestPages.render(
                DocumentsTestEnv.employment, name: "scan", in: directory, effects: ["-colorspace", "Gray", "-quality", "92"],
                format: "jpg")
            let pdf = try Self.pdf(wrappingGrayJPEG: Data(contentsOf: URL(fileURLWithPath: jpeg)))
            let key = try StorageKey(validating: "uploads/certificate.pdf")
            _ = try await storage.put(key, bytes: [UInt8](pdf), contentType: "application/pdf")
            let review = try await service.review(
                ReviewDocumentArguments(source: key.rawValue, kind: "employment_certificate", expect: .init(name: "홍길동")),
                logger: DocumentsTestEnv.quietLogger)
            #expect(review.pages == 1)
            #expect(review.fields["name"] == "홍길동", "\(review.fields)")
            #expect(review.matched["name"] == true)
        }
    }

    @Test("an image in storage is reviewed; a missing key, garbage and a non-document are permanent errors")
    func imagesAndBadSources() async throws {
        try await self.withService { service, storage, directory in
            let png = try TestPages.render(DocumentsTestEnv.employment, name: "page", in: directory)
            let key = try StorageKey(validating: "uploads/page.png")
            _ = try await storage.put(key, fileAt: png, contentType: "image/png")
            let review = try await service.review(
                ReviewDocumentArguments(source: key.rawValue, kind: "employment_certificate", expect: nil),
                logger: DocumentsTestEnv.quietLogger)
            #expect(review.fields["name"] == "홍길동", "\(review.fields)")

            let garbage = try StorageKey(validating: "uploads/garbage.pdf")
            _ = try await storage.put(garbage, bytes: Array("%PDF-1.4\n garbage \u{0}\u{1}".utf8), contentType: "application/pdf")
            let zip = try StorageKey(validating: "uploads/archive.zip")
            _ = try await storage.put(zip, bytes: [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 64), contentType: "application/zip")
            for (source, expected) in [
                ("uploads/none.png", "source not found in storage"), (garbage.rawValue, "unreadable document"),
                (zip.rawValue, "unreadable document"), ("../etc/passwd", "invalid arguments"),
                ("https://127.0.0.1/x.png", "source URL refused"),
            ] {
                do {
                    _ = try await service.review(
                        ReviewDocumentArguments(source: source, kind: "employment_certificate", expect: nil),
                        logger: DocumentsTestEnv.quietLogger)
                    Issue.record("\(source) was accepted")
                } catch let error as JobError {
                    #expect(error.kind == .permanent, "\(source): \(error)")
                    #expect(error.message.contains(expected), "\(source): \(error.message)")
                }
            }
        }
    }

    /// A minimal PDF of one page showing a grayscale JPEG (DCTDecode) at 300 dpi.
    static func pdf(wrappingGrayJPEG jpeg: Data) throws -> Data {
        let (width, height) = try Self.jpegSize(jpeg)
        let pageWidth = Double(width) * 72 / 300
        let pageHeight = Double(height) * 72 / 300
        let content = "q \(pageWidth) 0 0 \(pageHeight) 0 0 cm /Im0 Do Q\n"
        var pdf = Data("%PDF-1.4\n".utf8)
        var offsets: [Int] = []
        func object(_ body: Data) {
            offsets.append(pdf.count)
            pdf.append(Data("\(offsets.count) 0 obj\n".utf8))
            pdf.append(body)
            pdf.append(Data("\nendobj\n".utf8))
        }
        object(Data("<< /Type /Catalog /Pages 2 0 R >>".utf8))
        object(Data("<< /Type /Pages /Kids [3 0 R] /Count 1 >>".utf8))
        object(Data("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(pageWidth) \(pageHeight)] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>".utf8))
        var image = Data("<< /Type /XObject /Subtype /Image /Width \(width) /Height \(height) /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode /Length \(jpeg.count) >>\nstream\n".utf8)
        image.append(jpeg)
        image.append(Data("\nendstream".utf8))
        object(image)
        object(Data("<< /Length \(content.utf8.count) >>\nstream\n\(content)endstream".utf8))
        let xref = pdf.count
        var table = "xref\n0 \(offsets.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { table += String(format: "%010d 00000 n \n", offset) }
        table += "trailer\n<< /Size \(offsets.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        pdf.append(Data(table.utf8))
        return pdf
    }

    /// Width and height from a JPEG's SOF marker.
    static func jpegSize(_ data: Data) throws -> (Int, Int) {
        let bytes = [UInt8](data)
        var index = 2
        while index + 9 < bytes.count {
            guard bytes[index] == 0xFF else { throw TestFailure("not a JPEG marker at \(index)") }
            let marker = bytes[index + 1]
            let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            if (0xC0...0xC3).contains(marker) {
                let height = Int(bytes[index + 5]) << 8 | Int(bytes[index + 6])
                let width = Int(bytes[index + 7]) << 8 | Int(bytes[index + 8])
                guard bytes[index + 9] == 1 else { throw TestFailure("the JPEG is not grayscale") }
                return (width, height)
            }
            index += 2 + length
        }
        throw TestFailure("no SOF marker")
    }
}
