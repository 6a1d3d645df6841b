import CVips

extension VipsImaging {
    /// Page `page` of a PDF rendered at `dpi`, or of an image at its own size, as 8-bit gray on white.
    static func renderGray(
        path: String,
        header: ImageHeader,
        page: Int,
        dpi: Double,
        configuration: ImagingConfiguration
    ) throws(ImagingError) -> GrayImage {
        guard page >= 0, page < header.pages else {
            throw .pageOutOfRange(page, pages: header.pages)
        }
        var image: VipsImageHandle
        if header.format == .pdf {
            guard dpi.isFinite, dpi >= 10, dpi <= configuration.maxDPI else {
                throw .invalidArgument("dpi must be between 10 and \(Int(configuration.maxDPI))")
            }
            image = try VipsImageHandle.make(
                { bp_vips_pdfload(path, $0, Int32(page), dpi) },
                failure: ImagingError.decodeFailure(vipsMessage:)
            )
            // The page's size at this dpi is in the header; poppler has not rendered anything yet.
            try configuration.checkPixels(width: image.width, height: image.height)
        } else {
            image = try open(path: path, page: page)
            try configuration.checkPixels(width: image.width, height: image.height)
            image = try image.derive { bp_vips_autorot($0, $1) }
        }
        if image.hasAlpha {
            image = try image.derive { bp_vips_flatten_white($0, $1) }
        }
        image = try image.derive { bp_vips_colourspace($0, $1, VIPS_INTERPRETATION_B_W) }
        if image.bands > 1 {
            image = try image.derive { bp_vips_extract_band($0, $1, 0) }
        }
        if image.bandFormat == VIPS_FORMAT_USHORT {
            image = try image.derive { bp_vips_linear1($0, $1, 1.0 / 257.0, 0) }
        }
        if image.bandFormat != VIPS_FORMAT_UCHAR {
            image = try image.derive { bp_vips_cast($0, $1, VIPS_FORMAT_UCHAR) }
        }
        let bytes: [UInt8]
        do {
            bytes = try image.pixelBytes(failure: ImagingError.decodeFailure(vipsMessage:))
        } catch let error where error.kind == .damaged {
            throw refineDecodeFailure(error, path: path, format: header.format)
        }
        guard bytes.count == image.width * image.height else {
            throw .internal("grayscale rendering produced an unexpected buffer")
        }
        return GrayImage(width: image.width, height: image.height, bytes: bytes)
    }
}
