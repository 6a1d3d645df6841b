/// One encoded variant of an image.
public struct ImageVariant: Sendable, Hashable {
    /// The spec it was made for (its box may exceed the actual size when the source was smaller).
    public var spec: VariantSpec
    /// Actual width in pixels.
    public var width: Int
    /// Actual height in pixels.
    public var height: Int
    /// Encoding.
    public var format: ImageOutputFormat
    /// The encoded file, with no metadata (no EXIF, GPS, XMP, IPTC or ICC profile).
    public var bytes: [UInt8]

    /// Size of `bytes`.
    public var byteCount: Int { bytes.count }
}
