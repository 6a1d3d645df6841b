import Foundation

/// An image to recognise: encoded bytes or raw 8-bit gray pixels.
public enum OCRImage: Sendable {
    /// PNG, JPEG, WebP, TIFF, GIF, BMP or PNM bytes, decoded by leptonica after its header has
    /// been checked against the pixel limit.
    case encoded(Data)
    /// Raw 8-bit gray pixels, row by row with no padding: `bytes.count == width * height`.
    case gray(width: Int, height: Int, bytes: Data)
    /// An encoded image in a local file, read on the engine's thread (never on the caller's).
    case file(path: String)
}
