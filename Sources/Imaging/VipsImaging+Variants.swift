import CVips

extension VipsImaging {
    /// The largest variant of the file, decoded into memory: shrink-on-load (`vips_thumbnail` lets the
    /// JPEG/WebP decoder scale down while decoding), auto-rotated per EXIF orientation, and for a
    /// square crop, a centre square. The smaller variants are resized from it, so the file is decoded
    /// once. Fails on truncated data.
    static func variantBase(path: String, format: ImageFormat, largest: VariantSpec) throws(ImagingError)
        -> VipsImageHandle
    {
        do {
            return try decodeVariantBase(path: path, largest: largest)
        } catch let error where error.kind == .damaged {
            throw refineDecodeFailure(error, path: path, format: format)
        }
    }

    /// A `damaged` decode failure of a file that lacks its format's trailer is `truncated`.
    static func refineDecodeFailure(_ error: ImagingError, path: String, format: ImageFormat) -> ImagingError {
        let tail = FileProbe.tail(of: path, count: ImageTrailer.length)
        return ImageTrailer.isComplete(format: format, tail: tail) == false ? .truncated() : error
    }

    private static func decodeVariantBase(path: String, largest: VariantSpec) throws(ImagingError) -> VipsImageHandle {
        let box = Int32(largest.box)
        let crop = largest.squareCrop ? VIPS_INTERESTING_CENTRE : VIPS_INTERESTING_NONE
        let thumbnail = try VipsImageHandle.make(
            { bp_vips_thumbnail(path, $0, box, box, crop, VIPS_SIZE_DOWN, VIPS_FAIL_ON_TRUNCATED) },
            failure: ImagingError.decodeFailure(vipsMessage:)
        )
        var base = try thumbnail.copyToMemory(failure: ImagingError.decodeFailure(vipsMessage:))
        // A source smaller than the box is not upscaled, so a "square" crop can come out oblong.
        if largest.squareCrop && base.width != base.height {
            let side = Int32(min(base.width, base.height))
            base = try base.derive { bp_vips_smartcrop($0, $1, side, side, VIPS_INTERESTING_CENTRE) }
        }
        base.removeAllMetadata()
        return base
    }

    /// One variant from the in-memory base: resized to `spec` (never up), encoded without metadata.
    static func variant(
        from base: VipsImageHandle,
        spec: VariantSpec,
        format: ImageOutputFormat,
        configuration: ImagingConfiguration
    ) throws(ImagingError) -> ImageVariant {
        let box = Int32(spec.box)
        let crop = spec.squareCrop ? VIPS_INTERESTING_CENTRE : VIPS_INTERESTING_NONE
        let sized =
            max(base.width, base.height) <= spec.box
            ? base
            : try base.derive { bp_vips_thumbnail_image($0, $1, box, box, crop, VIPS_SIZE_DOWN) }
        let failure: (String) -> ImagingError = { _ in .internal("\(format.rawValue) encoding failed") }
        let bytes: [UInt8]
        switch format {
        case .webp:
            let quality = Int32(configuration.webpQuality)
            let encoded = try sized.encode({ bp_vips_webpsave_buffer($0, $1, $2, quality, 1) }, failure: failure)
            guard let stripped = WebPMetadataStripper.strip(encoded) else {
                throw .internal("webp encoding produced a malformed file")
            }
            bytes = stripped
        case .jpeg:
            let quality = Int32(configuration.jpegQuality)
            bytes = try sized.encode({ bp_vips_jpegsave_buffer($0, $1, $2, quality, 1) }, failure: failure)
        }
        return ImageVariant(spec: spec, width: sized.width, height: sized.height, format: format, bytes: bytes)
    }
}
