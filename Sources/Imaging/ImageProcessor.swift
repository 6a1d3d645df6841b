import Logging
import SpanSupport
import Tracing

/// Reads, checks and converts uploaded images and PDFs with libvips.
///
/// Every call first checks the file's size, its format (from its first bytes, against an
/// allow-list) and the pixel count its header declares (the decompression-bomb guard), all before any
/// pixel is decoded. The libvips work then runs on the `CPUWorkPool`, so at most one piece of image
/// work per pool thread runs at once, whatever the number of concurrent jobs.
///
/// Thread-safety: a value type holding shared, thread-safe parts; use it from any task.
public struct ImageProcessor: Sendable {
    /// Limits and encoder settings.
    public let configuration: ImagingConfiguration
    /// Where the CPU-bound work runs.
    public let pool: CPUWorkPool
    private let logger: Logger

    /// Creates a processor; starts libvips (once per process) if needed.
    public init(
        configuration: ImagingConfiguration = ImagingConfiguration(),
        pool: CPUWorkPool,
        logger: Logger
    ) throws(ImagingError) {
        try VipsRuntime.start()
        self.configuration = configuration
        self.pool = pool
        self.logger = logger
    }

    /// The header of an image or PDF (size, format, orientation, pages), read without decoding.
    /// Accepts the image formats of `ImageFormat.imageInputs` and PDF.
    public func probe(fileAt path: String) async throws(ImagingError) -> ImageHeader {
        let configuration = configuration
        return try await pool.execute { () throws(ImagingError) -> ImageHeader in
            try VipsImaging.probe(
                path: path,
                allowed: ImageFormat.imageInputs.union([.pdf]),
                configuration: configuration
            )
        }
    }

    /// The web variants of an uploaded image for `purpose`, each in every format of `formats`.
    ///
    /// The file is decoded once, with shrink-on-load, to the largest variant; EXIF orientation is
    /// applied; the smaller variants are resized from that and all variants are encoded in parallel
    /// on the pool. Outputs carry no metadata (EXIF with GPS, XMP, IPTC, ICC are stripped) and are
    /// never larger than the source. Only `ImageFormat.imageInputs` are accepted; animated images give
    /// their first frame.
    public func makeVariants(
        fileAt path: String,
        purpose: ImagePurpose,
        formats: [ImageOutputFormat] = [.webp, .jpeg]
    ) async throws(ImagingError) -> ImageVariantSet {
        guard !formats.isEmpty, Set(formats).count == formats.count else {
            throw .invalidArgument("formats must be non-empty and without repeats")
        }
        let configuration = configuration
        let specs = purpose.variantSpecs
        let (header, variants) = try await withInternalSpan("image variants") { (span) throws(ImagingError) in
            let (header, base) = try await pool.execute { () throws(ImagingError) -> (ImageHeader, VipsImageHandle) in
                let header = try VipsImaging.probe(
                    path: path, allowed: ImageFormat.imageInputs, configuration: configuration)
                let base = try VipsImaging.variantBase(path: path, format: header.format, largest: specs[0])
                return (header, base)
            }
            if span.isRecording {
                span.attributes["image.format"] = header.format.rawValue
                span.attributes["image.pixels"] = header.pixelCount
                span.attributes["image.purpose"] = purpose.rawValue
            }
            let jobs = specs.flatMap { spec in formats.map { (spec, $0) } }
            let variants = try await encodeInParallel(jobs: jobs, base: base)
            if span.isRecording { span.attributes["image.variants"] = variants.count }
            return (header, variants)
        }
        logger.debug(
            "image variants made",
            metadata: [
                "image.format": "\(header.format.rawValue)",
                "image.pixels": "\(header.pixelCount)",
                "image.purpose": "\(purpose.rawValue)",
                "image.variants": "\(variants.count)",
            ]
        )
        return ImageVariantSet(header: header, variants: variants)
    }

    /// The number of pages of a PDF (from poppler, through libvips' pdfload; nothing is rendered).
    ///
    /// Poppler parses the document in this process and libvips marks its PDF loader untrusted (not
    /// fuzzed): a hostile PDF that crashes poppler takes the worker with it. Run PDF jobs where a
    /// crash costs a restart, not other jobs, if that matters.
    public func pdfPageCount(fileAt path: String) async throws(ImagingError) -> Int {
        let configuration = configuration
        return try await pool.execute { () throws(ImagingError) -> Int in
            try VipsImaging.probe(path: path, allowed: [.pdf], configuration: configuration).pages
        }
    }

    /// Page `page` (from 0) of a PDF rendered at `dpi`, or of an image (any page of a multi-page
    /// TIFF/GIF; `dpi` is ignored: images keep their pixel size, upright per EXIF), as 8-bit
    /// grayscale with transparency composed over white — the input for OCR.
    ///
    /// The rendered page's pixel count is checked against the limit before poppler renders it.
    public func renderGray(fileAt path: String, page: Int = 0, dpi: Double = 300) async throws(ImagingError)
        -> GrayImage
    {
        let configuration = configuration
        let pool = pool
        return try await withInternalSpan("image render page") { (span) throws(ImagingError) -> GrayImage in
            if span.isRecording {
                span.attributes["image.page"] = page
                span.attributes["image.dpi"] = dpi
            }
            return try await Self.renderGray(fileAt: path, page: page, dpi: dpi, configuration: configuration, pool: pool)
        }
    }

    private static func renderGray(
        fileAt path: String, page: Int, dpi: Double, configuration: ImagingConfiguration, pool: CPUWorkPool
    ) async throws(ImagingError) -> GrayImage {
        try await pool.execute { () throws(ImagingError) -> GrayImage in
            let header = try VipsImaging.probe(
                path: path,
                allowed: ImageFormat.imageInputs.union([.pdf]),
                configuration: configuration
            )
            return try VipsImaging.renderGray(
                path: path,
                header: header,
                page: page,
                dpi: dpi,
                configuration: configuration
            )
        }
    }

    /// Encodes every (spec, format) pair from `base` on the pool, at most `pool.threadCount` at once
    /// (the pool bounds it), and returns them in `jobs` order.
    private func encodeInParallel(
        jobs: [(VariantSpec, ImageOutputFormat)],
        base: VipsImageHandle
    ) async throws(ImagingError) -> [ImageVariant] {
        let configuration = configuration
        let pool = pool
        do {
            return try await withThrowingTaskGroup(of: (Int, ImageVariant).self) { group in
                for (index, (spec, format)) in jobs.enumerated() {
                    group.addTask {
                        // Child tasks inherit the task-local trace context: one span per variant.
                        let variant = try await withInternalSpan("image encode") { (span) throws(ImagingError) -> ImageVariant in
                            if span.isRecording { span.attributes["image.output_format"] = "\(format)" }
                            return try await pool.execute { () throws(ImagingError) -> ImageVariant in
                                try VipsImaging.variant(
                                    from: base, spec: spec, format: format, configuration: configuration)
                            }
                        }
                        return (index, variant)
                    }
                }
                var results = [ImageVariant?](repeating: nil, count: jobs.count)
                for try await (index, variant) in group {
                    results[index] = variant
                }
                return results.compactMap { $0 }
            }
        } catch let error as ImagingError {
            throw error
        } catch {
            throw .internal("variant encoding failed")
        }
    }
}
