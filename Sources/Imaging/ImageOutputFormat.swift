/// The format of a generated variant.
public enum ImageOutputFormat: String, Sendable, Hashable, CaseIterable {
    case webp, jpeg

    /// The MIME type to store and serve the variant with.
    public var contentType: String {
        switch self {
        case .webp: "image/webp"
        case .jpeg: "image/jpeg"
        }
    }

    /// The usual file-name extension, without the dot.
    public var fileExtension: String {
        switch self {
        case .webp: "webp"
        case .jpeg: "jpg"
        }
    }
}
