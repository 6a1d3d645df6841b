/// The result of `optimize_image`: the original's size and the stored variants.
public struct ImageResult: Codable, Sendable, Hashable {
    public var sha256: String
    /// The original's size after auto-rotation.
    public var width: Int
    public var height: Int
    public var variants: [ImageVariantResult]
}

/// One stored variant of an image.
public struct ImageVariantResult: Codable, Sendable, Hashable {
    public var key: String
    public var width: Int
    public var height: Int
    /// `webp` or `jpeg`.
    public var format: String
    public var bytes: Int
}
