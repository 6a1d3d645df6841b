/// Why an image could not be recognised.
///
/// Messages name the problem, never the image's content. ``isPermanent`` tells a job handler
/// whether another attempt could help: bad input never gets better, an engine that failed to
/// start or a pool that is shutting down might.
public struct OCRError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case emptyImage, unsupportedFormat, undecodable, tooLarge, invalidDimensions
        case engineUnavailable, recognitionFailed, shutDown
    }

    private let code: Code
    /// What went wrong, safe for logs and job outcomes (no image content).
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// No bytes, or an image of zero width or height.
    public static func emptyImage(_ message: String = "empty image") -> OCRError { OCRError(.emptyImage, message) }
    /// Bytes that are not an image format leptonica decodes (PDF, text, unknown magic).
    public static func unsupportedFormat(_ message: String) -> OCRError { OCRError(.unsupportedFormat, message) }
    /// A known format whose data is truncated or corrupt.
    public static func undecodable(_ message: String) -> OCRError { OCRError(.undecodable, message) }
    /// More pixels or bytes than the configured limits.
    public static func tooLarge(_ message: String) -> OCRError { OCRError(.tooLarge, message) }
    /// Raw pixels whose width, height and byte count disagree.
    public static func invalidDimensions(_ message: String) -> OCRError { OCRError(.invalidDimensions, message) }
    /// Tesseract could not be initialised (missing traineddata, bad data path).
    public static func engineUnavailable(_ message: String) -> OCRError { OCRError(.engineUnavailable, message) }
    /// Tesseract failed on a decoded image.
    public static func recognitionFailed(_ message: String) -> OCRError { OCRError(.recognitionFailed, message) }
    /// The pool was shut down before or while the work ran.
    public static var shutDown: OCRError { OCRError(.shutDown, "the OCR pool is shut down") }

    /// `true` when the input itself is at fault: retrying the same bytes cannot succeed.
    public var isPermanent: Bool {
        switch self.code {
        case .emptyImage, .unsupportedFormat, .undecodable, .tooLarge, .invalidDimensions: return true
        case .engineUnavailable, .recognitionFailed, .shutDown: return false
        }
    }

    /// A short stable name for the kind of failure, fit for a metric label.
    public var shortDescription: String {
        switch self.code {
        case .emptyImage: return "empty_image"
        case .unsupportedFormat: return "unsupported_format"
        case .undecodable: return "undecodable"
        case .tooLarge: return "too_large"
        case .invalidDimensions: return "invalid_dimensions"
        case .engineUnavailable: return "engine_unavailable"
        case .recognitionFailed: return "recognition_failed"
        case .shutDown: return "shut_down"
        }
    }

    public var description: String { self.message }

    public static func == (lhs: OCRError, rhs: OCRError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }
}
