/// Why an image or PDF could not be read or processed.
///
/// The message is safe to store in a job result or log: it names the problem and the limits, never a
/// file path, a file's content or libvips' raw error text (which can quote paths). Match on `kind`,
/// never on the message.
public struct ImagingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, for matching and metric labels (a fixed set of short names).
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Empty, or bytes no image loader recognises.
        public static let notAnImage = Kind("not_an_image")
        /// A recognised format this service does not take (SVG, PDF where an image is required...).
        public static let unsupportedFormat = Kind("unsupported_format")
        /// The data ends before the image does.
        public static let truncated = Kind("truncated")
        /// The data is damaged (bad markers, checksums, decoder errors).
        public static let damaged = Kind("damaged")
        /// Width × height above the configured maximum (decompression-bomb guard).
        public static let tooManyPixels = Kind("too_many_pixels")
        /// More bytes or pages than the configured maximum.
        public static let tooLarge = Kind("too_large")
        /// A page number outside the document.
        public static let pageOutOfRange = Kind("page_out_of_range")
        /// An argument outside its allowed range (dpi, sizes).
        public static let invalidArgument = Kind("invalid_argument")
        /// The file could not be opened or read (missing, permissions).
        public static let unreadable = Kind("unreadable")
        /// The work was cancelled before it ran.
        public static let cancelled = Kind("cancelled")
        /// libvips failed for a reason that is not the input's fault (start-up, memory, encoder).
        public static let `internal` = Kind("internal")
    }

    /// What went wrong.
    public let kind: Kind
    /// A one-line human-readable explanation (safe for results and logs).
    public let message: String

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind): \(message)" }

    /// True when retrying the same input cannot succeed (the job should fail for good).
    public var isPermanent: Bool {
        kind != .internal && kind != .unreadable && kind != .cancelled
    }

    static func notAnImage(_ detail: String = "the data is not an image in any known format") -> ImagingError {
        ImagingError(.notAnImage, detail)
    }

    static func unsupportedFormat(_ format: String) -> ImagingError {
        ImagingError(.unsupportedFormat, "\(format) files are not supported here")
    }

    static func truncated() -> ImagingError {
        ImagingError(.truncated, "the image data is truncated (the file ends before the image does)")
    }

    static func damaged() -> ImagingError {
        ImagingError(.damaged, "the image data is damaged and cannot be decoded")
    }

    static func tooManyPixels(width: Int, height: Int, limit: Int) -> ImagingError {
        ImagingError(.tooManyPixels, "the image is \(width) x \(height) pixels; at most \(limit) pixels are accepted")
    }

    static func tooLarge(bytes: Int, limit: Int) -> ImagingError {
        ImagingError(.tooLarge, "the file is \(bytes) bytes; at most \(limit) bytes are accepted")
    }

    static func tooManyPages(_ pages: Int, limit: Int) -> ImagingError {
        ImagingError(.tooLarge, "the document has \(pages) pages; at most \(limit) are accepted")
    }

    static func pageOutOfRange(_ page: Int, pages: Int) -> ImagingError {
        ImagingError(
            .pageOutOfRange, "page \(page) does not exist (the document has \(pages) page(s), numbered from 0)")
    }

    static func invalidArgument(_ message: String) -> ImagingError {
        ImagingError(.invalidArgument, message)
    }

    static func unreadable(_ reason: String) -> ImagingError {
        ImagingError(.unreadable, "the file cannot be read: \(reason)")
    }

    static func cancelled() -> ImagingError {
        ImagingError(.cancelled, "the image work was cancelled")
    }

    static func `internal`(_ message: String) -> ImagingError {
        ImagingError(.internal, message)
    }
}
