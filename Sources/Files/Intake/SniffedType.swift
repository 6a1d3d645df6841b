/// What the bytes of a file are, as far as intake is concerned.
public struct SniffedType: Sendable, Hashable, CustomStringConvertible {
    /// Whether the file is a document (PDF) or an image.
    public enum Kind: String, Sendable, Hashable {
        case document
        case image
    }

    /// The formats intake accepts.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        case pdf, jpeg, png, webp, heic, heif, avif
    }

    /// The format found in the bytes.
    public let format: Format

    /// The canonical content type (`application/pdf`, `image/jpeg`...).
    public var contentType: String {
        switch self.format {
        case .pdf: "application/pdf"
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .webp: "image/webp"
        case .heic: "image/heic"
        case .heif: "image/heif"
        case .avif: "image/avif"
        }
    }

    /// The canonical file name extension, without a dot (`pdf`, `jpg`...).
    public var fileExtension: String {
        switch self.format {
        case .pdf: "pdf"
        case .jpeg: "jpg"
        case .png: "png"
        case .webp: "webp"
        case .heic: "heic"
        case .heif: "heif"
        case .avif: "avif"
        }
    }

    /// Document or image.
    public var kind: Kind { self.format == .pdf ? .document : .image }

    /// Content types a client may declare for this format (lowercase, without parameters).
    public var acceptedContentTypes: Set<String> {
        switch self.format {
        case .pdf: ["application/pdf", "application/x-pdf"]
        case .jpeg: ["image/jpeg", "image/jpg", "image/pjpeg"]
        case .png: ["image/png", "image/x-png"]
        case .webp: ["image/webp"]
        case .heic, .heif: ["image/heic", "image/heif", "image/heic-sequence", "image/heif-sequence"]
        case .avif: ["image/avif"]
        }
    }

    /// File name extensions a client may use for this format (lowercase, without a dot).
    public var acceptedExtensions: Set<String> {
        switch self.format {
        case .pdf: ["pdf"]
        case .jpeg: ["jpg", "jpeg", "jpe", "jfif"]
        case .png: ["png"]
        case .webp: ["webp"]
        case .heic, .heif: ["heic", "heif", "hif"]
        case .avif: ["avif"]
        }
    }

    public init(format: Format) { self.format = format }

    public var description: String { self.contentType }
}
