import Foundation
import OCR

/// A document fetched for review: an image (bytes or a local file), or a PDF with a renderer
/// that turns its pages into images.
///
/// The file-processing layer builds these from a job's `source` (a storage key or an `https`
/// URL); this module only reads them.
public struct DocumentSource: Sendable {
    /// Renders page `index` (from 0) of a PDF as an image.
    public typealias PageRenderer = @Sendable (_ index: Int) async throws -> OCRImage

    enum Content: Sendable {
        case image(OCRImage)
        case pdf(pageCount: Int, render: PageRenderer?)
    }

    let content: Content

    /// Encoded image bytes (PNG, JPEG, WebP, TIFF...).
    public static func image(_ data: Data) -> DocumentSource { DocumentSource(content: .image(.encoded(data))) }

    /// An encoded image in a local file.
    public static func imageFile(_ path: String) -> DocumentSource {
        DocumentSource(content: .image(.file(path: path)))
    }

    /// A PDF of `pageCount` pages; `render` is `nil` when this worker cannot render PDFs (the job
    /// then fails permanently with a clear error).
    public static func pdf(pageCount: Int, render: PageRenderer?) -> DocumentSource {
        DocumentSource(content: .pdf(pageCount: pageCount, render: render))
    }

    /// Whether the document is a PDF.
    public var isPDF: Bool {
        if case .pdf = self.content { return true }
        return false
    }
}
