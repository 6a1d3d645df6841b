import CVips

/// Owns one reference to a `VipsImage` and drops it when released.
///
/// `@unchecked Sendable`: libvips images are immutable once built and libvips allows several
/// pipelines to read one image from different threads at once; the reference count is atomic.
final class VipsImageHandle: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<VipsImage>

    init(_ pointer: UnsafeMutablePointer<VipsImage>) {
        self.pointer = pointer
    }

    deinit {
        bp_vips_unref(pointer)
    }

    // Every use of `pointer` is inside a method of this class, so `self` (and the reference it owns)
    // is alive for the whole C call; code outside goes through `withPointer`.

    /// Runs `body` with the raw image, keeping the image alive until `body` returns.
    func withPointer<R>(_ body: (UnsafeMutablePointer<VipsImage>) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(pointer) }
    }

    var width: Int { Int(bp_vips_header_width(pointer)) }
    var height: Int { Int(bp_vips_header_height(pointer)) }
    var bands: Int { Int(bp_vips_header_bands(pointer)) }
    var hasAlpha: Bool { vips_image_hasalpha(pointer) != 0 }
    var bandFormat: VipsBandFormat { vips_image_get_format(pointer) }
    /// EXIF orientation 1...8 (1 when absent or out of range).
    var orientation: Int {
        let value = Int(bp_vips_header_orientation(pointer))
        return (1...8).contains(value) ? value : 1
    }
    /// Pages or frames the file has (`n-pages`), at least 1.
    var pageCount: Int { max(1, Int(bp_vips_header_n_pages(pointer))) }

    /// True when the image has the metadata field `name` (e.g. `exif-ifd3-GPSLatitude`).
    func has(field name: String) -> Bool { bp_vips_header_has(pointer, name) != 0 }

    /// Removes every metadata item (EXIF and its parsed fields, XMP, IPTC, ICC, comments,
    /// orientation...). Needed besides the savers' `strip`: libvips 8.14's webpsave keeps the EXIF
    /// chunk (GPS included) despite `strip` (ImagingVariantTests.metadataStripped shows it). Call
    /// before the image is shared with other threads.
    func removeAllMetadata() {
        guard let fields = vips_image_get_fields(pointer) else { return }
        defer { g_strfreev(fields) }
        var index = 0
        while let name = fields[index] {
            _ = vips_image_remove(pointer, name)  // false for the built-in header fields: kept
            index += 1
        }
    }

    /// The whole image decoded into a new memory image (the pipeline runs now).
    func copyToMemory(failure: (String) -> ImagingError) throws(ImagingError) -> VipsImageHandle {
        guard let copy = vips_image_copy_memory(pointer) else {
            throw failure(VipsRuntime.takeErrorText())
        }
        return VipsImageHandle(copy)
    }

    /// True when the image still carries EXIF, XMP, IPTC or an ICC profile.
    var hasMetadata: Bool { bp_vips_header_has_metadata(pointer) != 0 }

    /// Runs a libvips operation that writes a new image to its out-pointer; `failure` maps libvips'
    /// error text to our error.
    static func make(
        _ operation: (UnsafeMutablePointer<UnsafeMutablePointer<VipsImage>?>) -> Int32,
        failure: (String) -> ImagingError
    ) throws(ImagingError) -> VipsImageHandle {
        var out: UnsafeMutablePointer<VipsImage>?
        let status = operation(&out)
        guard status == 0, let out else {
            if let out { bp_vips_unref(out) }
            throw failure(VipsRuntime.takeErrorText())
        }
        return VipsImageHandle(out)
    }

    /// A derived image from an operation on this one (`failure` as in `make`).
    func derive(
        failure: (String) -> ImagingError = { _ in .internal("image processing failed") },
        _ operation: (UnsafeMutablePointer<VipsImage>, UnsafeMutablePointer<UnsafeMutablePointer<VipsImage>?>) -> Int32
    ) throws(ImagingError) -> VipsImageHandle {
        try VipsImageHandle.make({ operation(pointer, $0) }, failure: failure)
    }

    /// Encodes with a libvips saver writing a g_malloc'ed buffer; returns a copy of it.
    func encode(
        _ saver: (
            UnsafeMutablePointer<VipsImage>, UnsafeMutablePointer<UnsafeMutableRawPointer?>, UnsafeMutablePointer<Int>
        ) -> Int32,
        failure: (String) -> ImagingError
    ) throws(ImagingError) -> [UInt8] {
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        let status = saver(pointer, &buffer, &length)
        defer { if let buffer { bp_vips_free(buffer) } }
        guard status == 0, let buffer else {
            throw failure(VipsRuntime.takeErrorText())
        }
        return [UInt8](UnsafeRawBufferPointer(start: buffer, count: length))
    }

    /// The pixels as one contiguous buffer (decodes the whole pipeline).
    func pixelBytes(failure: (String) -> ImagingError) throws(ImagingError) -> [UInt8] {
        var length = 0
        guard let memory = vips_image_write_to_memory(pointer, &length) else {
            throw failure(VipsRuntime.takeErrorText())
        }
        defer { bp_vips_free(memory) }
        return [UInt8](UnsafeRawBufferPointer(start: memory, count: length))
    }
}
