import CVips

/// The synchronous libvips work behind `ImageProcessor`. Every function blocks its thread for as long
/// as the decoding or encoding takes: call them on the `CPUWorkPool`, never on an event loop.
enum VipsImaging {
    /// The header of the file at `path`, read without decoding pixels, after the byte, format and
    /// pixel guards. `allowed` lists the formats the caller takes.
    ///
    /// Order matters for safety: file size first (no read), then the loader is chosen from the
    /// first bytes (`vips_foreign_find_load`) and checked against `allowed` before libvips opens the
    /// file with it, then the header's dimensions are checked before anything asks for pixels.
    static func probe(
        path: String,
        allowed: Set<ImageFormat>,
        configuration: ImagingConfiguration
    ) throws(ImagingError) -> ImageHeader {
        try VipsRuntime.start()
        _ = try FileProbe.checkedSize(of: path, maxBytes: configuration.maxBytes)
        let format = try detectFormat(path: path)
        guard allowed.contains(format) else {
            throw .unsupportedFormat(format == .other ? "these" : format.rawValue.uppercased())
        }
        let image: VipsImageHandle
        do {
            image = try open(path: path, page: 0)
        } catch let error where error.kind == .damaged {
            throw refineDecodeFailure(error, path: path, format: format)
        }
        let header = ImageHeader(
            width: image.width,
            height: image.height,
            format: format,
            orientation: image.orientation,
            pages: image.pageCount
        )
        if format == .pdf {
            if header.pages > configuration.maxPages {
                throw .tooManyPages(header.pages, limit: configuration.maxPages)
            }
        } else {
            try configuration.checkPixels(width: header.width, height: header.height)
        }
        return header
    }

    /// The format from the file's first bytes (libvips' loader sniffing); no pixels are read.
    static func detectFormat(path: String) throws(ImagingError) -> ImageFormat {
        guard let className = vips_foreign_find_load(path) else {
            _ = VipsRuntime.takeErrorText()
            throw .notAnImage()
        }
        let nickname = ImageFormat.loaderNickname(className: String(cString: className))
        return ImageFormat(loader: nickname) ?? .other
    }

    /// Opens a file lazily (header only until pixels are asked for), sequential access, failing on
    /// truncation so a cut-off file is an error and never half an image.
    static func open(path: String, page: Int) throws(ImagingError) -> VipsImageHandle {
        let pointer =
            page == 0
            ? bp_vips_new_from_file(path, VIPS_ACCESS_SEQUENTIAL, VIPS_FAIL_ON_TRUNCATED)
            : bp_vips_new_page_from_file(path, Int32(page), VIPS_ACCESS_SEQUENTIAL, VIPS_FAIL_ON_TRUNCATED)
        guard let pointer else {
            throw .decodeFailure(vipsMessage: VipsRuntime.takeErrorText())
        }
        return VipsImageHandle(pointer)
    }
}
