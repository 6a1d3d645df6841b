import Files
import Foundation
import Imaging
import JobEngine
import OCR

/// Loads a `review_document` source through the file-processing code: a storage key or an
/// SSRF-safe URL read by ``FileSourceReader`` into a private file, its type sniffed from the
/// bytes (images and PDFs only), and PDF pages rendered to grayscale by libvips. What the review
/// needs is taken from the file before it is removed: an image's bytes, or the first pages of a PDF.
public struct DocumentSourceLoader: Sendable {
    public let reader: FileSourceReader
    public let images: ImageProcessor
    /// Pages of a PDF rendered (the review reads at most this many).
    public var maximumPages = 5
    /// Rendering resolution of PDF pages (tesseract reads best near 300 dpi).
    public var dpi = 300.0

    public init(reader: FileSourceReader, images: ImageProcessor) {
        self.reader = reader
        self.images = images
    }

    /// The document `source` names, at most `maximumBytes` long.
    public func load(_ source: String, maximumBytes: Int) async throws -> DocumentSource {
        let location = try FileSource(source)
        return try await self.reader.withFile(location, maxBytes: maximumBytes, name: "review") { path, _ in
            let sniffed: SniffedType
            do throws(FileIntakeError) { sniffed = try await FileSniffer.inspect(fileAt: path, declaredContentType: nil, filename: nil) } catch {
                throw JobError.permanent("unreadable document: \(error.message)")
            }
            guard sniffed.format == .pdf else {
                guard sniffed.kind == .image else { throw JobError.permanent("unreadable document: not an image or a PDF") }
                do { return .image(try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
                    throw JobError.transient("the document could not be read")
                }
            }
            let pageCount: Int
            do throws(ImagingError) { pageCount = try await self.images.pdfPageCount(fileAt: path) } catch {
                throw JobError.permanent("unreadable document: \(error.message)")
            }
            var pages: [OCRImage] = []
            for index in 0..<min(pageCount, self.maximumPages) {
                do throws(ImagingError) {
                    let gray = try await self.images.renderGray(fileAt: path, page: index, dpi: self.dpi)
                    pages.append(.gray(width: gray.width, height: gray.height, bytes: Data(gray.bytes)))
                } catch {
                    throw JobError.permanent("unreadable document: PDF page \(index + 1): \(error.message)")
                }
            }
            let rendered = pages
            return .pdf(pageCount: rendered.count) { index in
                guard rendered.indices.contains(index) else { throw JobError.permanent("unreadable document: no page \(index + 1)") }
                return rendered[index]
            }
        }
    }
}
