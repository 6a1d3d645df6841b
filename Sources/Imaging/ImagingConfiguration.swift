/// Limits and encoder settings of the imaging code.
public struct ImagingConfiguration: Sendable, Hashable {
    /// Largest input file in bytes (default 50 MiB).
    public var maxBytes: Int
    /// Largest width × height of one page or frame, checked from the header before any decoding
    /// (default 100 megapixels: a 12 MP camera photo is far below, a decompression bomb far above).
    public var maxPixels: Int
    /// Most pages a PDF may have (default 2000).
    public var maxPages: Int
    /// Highest dpi `renderGray` renders a PDF page at (default 600).
    public var maxDPI: Double
    /// WebP quality, 1...100 (default 80).
    public var webpQuality: Int
    /// JPEG quality, 1...100 (default 82).
    public var jpegQuality: Int

    /// The defaults above, each overridable.
    public init(
        maxBytes: Int = 50 * 1024 * 1024,
        maxPixels: Int = 100_000_000,
        maxPages: Int = 2000,
        maxDPI: Double = 600,
        webpQuality: Int = 80,
        jpegQuality: Int = 82
    ) {
        self.maxBytes = maxBytes
        self.maxPixels = maxPixels
        self.maxPages = maxPages
        self.maxDPI = maxDPI
        self.webpQuality = webpQuality
        self.jpegQuality = jpegQuality
    }

    /// The pixel guard: refuses a header whose one page/frame has more than `maxPixels` pixels.
    func checkPixels(width: Int, height: Int) throws(ImagingError) {
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        if width <= 0 || height <= 0 {
            throw .damaged()
        }
        if overflow || pixels > maxPixels {
            throw .tooManyPixels(width: width, height: height, limit: maxPixels)
        }
    }
}
