/// The format of an input file, as libvips' loader recognised it from its first bytes.
public enum ImageFormat: String, Sendable, Hashable, CaseIterable {
    case jpeg, png, webp, gif, tiff, heif, pdf, svg
    /// Recognised by libvips, but none of the above (its loader name is in the error of a refusal).
    case other

    /// The formats an uploaded image may have: raster formats whose libvips loaders are marked
    /// trusted (fuzzed for hostile input). SVG, PDF and the exotic loaders (vips, PPM, matrix, CSV,
    /// FITS, ImageMagick...) are all marked "untrusted" by libvips and refused for images; PDF is
    /// read only by `pdfPageCount` and `renderGray` (poppler, in process).
    public static let imageInputs: Set<ImageFormat> = [.jpeg, .png, .webp, .gif, .tiff, .heif]

    /// The format for a libvips loader nickname (`jpegload`, `pngload_buffer`, `heifload_source`...).
    /// Returns `nil` when the loader is none we name (it is then `.other`).
    init?(loader: String) {
        var name = loader
        for suffix in ["_buffer", "_source"] where name.hasSuffix(suffix) {
            name.removeLast(suffix.count)
        }
        switch name {
        case "jpegload": self = .jpeg
        case "pngload": self = .png
        case "webpload": self = .webp
        case "gifload", "nsgifload": self = .gif
        case "tiffload": self = .tiff
        case "heifload": self = .heif
        case "pdfload": self = .pdf
        case "svgload": self = .svg
        default: return nil
        }
    }

    /// The loader nickname's base for a libvips class name (`VipsForeignLoadJpegFile` -> `jpegload`).
    static func loaderNickname(className: String) -> String {
        var name = className
        if name.hasPrefix("VipsForeignLoad") { name.removeFirst("VipsForeignLoad".count) }
        for suffix in ["File", "Buffer", "Source"] where name.hasSuffix(suffix) {
            name.removeLast(suffix.count)
        }
        return name.lowercased() + "load"
    }
}
