/// An 8-bit grayscale raster (one byte per pixel, rows top to bottom, no padding), e.g. for OCR.
public struct GrayImage: Sendable, Hashable {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// `width * height` bytes, 0 = black, 255 = white.
    public var bytes: [UInt8]

    /// Creates an image; `bytes.count` must be `width * height`.
    public init(width: Int, height: Int, bytes: [UInt8]) {
        precondition(bytes.count == width * height, "GrayImage: \(bytes.count) bytes for \(width) x \(height)")
        self.width = width
        self.height = height
        self.bytes = bytes
    }

    /// The pixel at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> UInt8 { bytes[y * width + x] }
}
