/// What an image's header says, read without decoding its pixels.
public struct ImageHeader: Sendable, Hashable {
    /// Width in pixels as stored (before EXIF rotation); for a PDF, page 0's width at 72 dpi.
    public var width: Int
    /// Height in pixels as stored (one page/frame); for a PDF, page 0's height at 72 dpi.
    public var height: Int
    /// The detected format.
    public var format: ImageFormat
    /// EXIF orientation, 1...8 (1 = upright, also when there is no tag).
    public var orientation: Int
    /// Pages (PDF, multi-page TIFF) or frames (animated GIF/WebP); 1 for a still image.
    public var pages: Int

    /// Creates a header (tests, or a caller that has the values).
    public init(width: Int, height: Int, format: ImageFormat, orientation: Int = 1, pages: Int = 1) {
        self.width = width
        self.height = height
        self.format = format
        self.orientation = orientation
        self.pages = pages
    }

    /// True when showing the image upright swaps width and height (orientations 5...8).
    public var swapsAxes: Bool { (5...8).contains(orientation) }

    /// Width as displayed, after applying the orientation.
    public var displayWidth: Int { swapsAxes ? height : width }

    /// Height as displayed, after applying the orientation.
    public var displayHeight: Int { swapsAxes ? width : height }

    /// Pixels of one page or frame (what decoding it allocates, per band).
    public var pixelCount: Int { width.multipliedReportingOverflow(by: height).overflow ? .max : width * height }
}
