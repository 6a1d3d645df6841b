import CTesseract
import Foundation

/// A leptonica image owned by Swift: destroyed with the object.
///
/// Decoding checks everything leptonica reports: the header is read first (format and
/// dimensions), oversized images are refused before any pixel is decoded, and every `NULL`
/// leptonica returns becomes an ``OCRError``.
final class PixImage {
    let pointer: UnsafeMutablePointer<PIX>

    private init(_ pointer: UnsafeMutablePointer<PIX>) {
        self.pointer = pointer
    }

    deinit {
        var pix: UnsafeMutablePointer<PIX>? = self.pointer
        pixDestroy(&pix)
    }

    var width: Int { Int(pixGetWidth(self.pointer)) }
    var height: Int { Int(pixGetHeight(self.pointer)) }

    /// Leptonica prints its errors to stderr; the engine reports them as ``OCRError``s instead.
    static let silenceLeptonica: Void = { _ = setMsgSeverity(Int32(L_SEVERITY_NONE)) }()

    /// The 8-bit gray image `image` holds, or a clear error.
    static func decode(_ image: OCRImage, configuration: OCRConfiguration) throws(OCRError) -> PixImage {
        _ = Self.silenceLeptonica
        switch image {
        case .encoded(let data):
            return try Self.decodeEncoded(data, configuration: configuration)
        case .gray(let width, let height, let bytes):
            guard width > 0, height > 0 else { throw .emptyImage("empty image: \(width)x\(height) pixels") }
            let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
            guard !overflow, pixels <= configuration.maximumPixels else {
                throw .tooLarge("image too large: \(width)x\(height) pixels (limit \(configuration.maximumPixels))")
            }
            guard bytes.count == pixels else {
                throw .invalidDimensions(
                    "raw gray image of \(width)x\(height) needs \(pixels) bytes, got \(bytes.count)")
            }
            // A binary PGM in memory: leptonica builds the Pix with its own row padding.
            var pgm = Data("P5\n\(width) \(height)\n255\n".utf8)
            pgm.append(bytes)
            return try Self.decodeEncoded(pgm, configuration: configuration)
        case .file(let path):
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            guard let size = (attributes?[.size] as? NSNumber)?.intValue,
                attributes?[.type] as? FileAttributeType == .typeRegular
            else {
                throw .undecodable("image file not found or not a regular file")
            }
            guard size <= configuration.maximumBytes else {
                throw .tooLarge("image too large: \(size) bytes (limit \(configuration.maximumBytes))")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .undecodable("image file cannot be read")
            }
            return try Self.decodeEncoded(data, configuration: configuration)
        }
    }

    private static func decodeEncoded(_ data: Data, configuration: OCRConfiguration) throws(OCRError) -> PixImage {
        guard !data.isEmpty else { throw .emptyImage("empty image: no bytes") }
        guard data.count <= configuration.maximumBytes else {
            throw .tooLarge("image too large: \(data.count) bytes (limit \(configuration.maximumBytes))")
        }
        if data.starts(with: Array("%PDF".utf8)) {
            throw .unsupportedFormat("unsupported image format: a PDF (its pages must be rendered to images first)")
        }
        // findFileFormatBuffer reads a fixed 12-byte prefix.
        guard data.count >= 16 else { throw .undecodable("not an image: \(data.count) bytes is too short") }
        let decoded: Result<PixImage, OCRError> = data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard let base = bytes.baseAddress else { return .failure(.emptyImage()) }
            var format: Int32 = 0
            guard findFileFormatBuffer(base, &format) == 0, format != Int32(IFF_UNKNOWN) else {
                return .failure(
                    .unsupportedFormat("unsupported image format (not PNG, JPEG, WebP, TIFF, GIF, BMP or PNM)"))
            }
            var width: Int32 = 0
            var height: Int32 = 0
            var bitsPerSample: Int32 = 0
            var samplesPerPixel: Int32 = 0
            var colormapped: Int32 = 0
            guard
                pixReadHeaderMem(
                    base, bytes.count, &format, &width, &height, &bitsPerSample, &samplesPerPixel, &colormapped) == 0
            else {
                return .failure(.undecodable("undecodable image: its header cannot be read"))
            }
            guard width > 0, height > 0 else { return .failure(.emptyImage("empty image: \(width)x\(height) pixels")) }
            guard Int(width) * Int(height) <= configuration.maximumPixels else {
                return .failure(
                    .tooLarge("image too large: \(width)x\(height) pixels (limit \(configuration.maximumPixels))"))
            }
            guard let pix = pixReadMem(base, bytes.count) else {
                return .failure(.undecodable("undecodable image: corrupt or truncated data"))
            }
            return .success(PixImage(pix))
        }
        let image = try decoded.get()
        // The header may lie (a TIFF's first directory vs the page read): check the decoded size too.
        guard image.width > 0, image.height > 0 else {
            throw .emptyImage("empty image: \(image.width)x\(image.height) pixels")
        }
        guard image.width * image.height <= configuration.maximumPixels else {
            throw .tooLarge(
                "image too large: \(image.width)x\(image.height) pixels (limit \(configuration.maximumPixels))")
        }
        return try image.gray()
    }

    /// This image as 8-bit gray; transparency is flattened onto white first.
    func gray() throws(OCRError) -> PixImage {
        var source = self
        if pixGetSpp(self.pointer) == 4, pixGetDepth(self.pointer) == 32 {
            guard let flattened = pixAlphaBlendUniform(self.pointer, 0xFFFF_FF00) else {
                throw .undecodable("undecodable image: cannot flatten its transparency")
            }
            source = PixImage(flattened)
        }
        if pixGetDepth(source.pointer) == 8, pixGetColormap(source.pointer) == nil { return source }
        guard let converted = pixConvertTo8(source.pointer, 0) else {
            throw .undecodable("undecodable image: depth \(pixGetDepth(source.pointer)) cannot be converted to gray")
        }
        return PixImage(converted)
    }

    /// Rotated clockwise by `quarterTurns` × 90°.
    func rotated(quarterTurns: Int) -> PixImage? {
        guard quarterTurns % 4 != 0 else { return self }
        return pixRotateOrth(self.pointer, Int32(quarterTurns % 4)).map(PixImage.init)
    }

    /// The gray levels stretched linearly to 0...255 when they span less than `belowRange`
    /// (a faint scan or a pale print); `nil` when the image already has the contrast.
    func contrastStretched(belowRange: Int32 = 160) -> PixImage? {
        var minimum: Int32 = 0
        var maximum: Int32 = 0
        guard pixGetRangeValues(self.pointer, 1, Int32(L_SELECT_RED), &minimum, &maximum) == 0,
            maximum > minimum, maximum - minimum < belowRange
        else { return nil }
        return pixGammaTRC(nil, self.pointer, 1.0, minimum, maximum).map(PixImage.init)
    }
}
