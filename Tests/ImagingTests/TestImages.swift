import CVips
import Foundation
@testable import Imaging

/// Images the tests make with libvips itself (no fixtures in the repository).
enum TestImages {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A fresh directory, removed after `body`.
    static func withDirectory<R>(_ body: (URL) async throws -> R) async throws -> R {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("imaging-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try await body(dir)
    }

    /// Runs `body` with a processor on a 2-thread pool that is shut down afterwards.
    static func withProcessor<R: Sendable>(
        _ configuration: ImagingConfiguration = ImagingConfiguration(),
        _ body: (ImageProcessor) async throws -> R
    ) async throws -> R {
        try await CPUWorkPool.withPool(threadCount: 2) { pool in
            let processor = try ImageProcessor(
                configuration: configuration, pool: pool, logger: .init(label: "imaging-tests"))
            return try await body(processor)
        }
    }

    private static func check(_ status: Int32, _ what: String) throws {
        if status != 0 { throw Failure(description: "\(what) failed: \(VipsRuntime.takeErrorText())") }
    }

    /// 3-band 8-bit noise (mean 128, sigma 50): compresses badly, like a photo's grain.
    static func noise(width: Int, height: Int) throws -> VipsImageHandle {
        try VipsRuntime.start()
        var bands: [VipsImageHandle] = []
        for _ in 0..<3 {
            var raw: UnsafeMutablePointer<VipsImage>?
            try check(bp_vips_gaussnoise(&raw, Int32(width), Int32(height), 128, 50), "gaussnoise")
            let noise = VipsImageHandle(raw!)
            var cast: UnsafeMutablePointer<VipsImage>?
            try noise.withPointer { try check(bp_vips_cast($0, &cast, VIPS_FORMAT_UCHAR), "cast") }
            bands.append(VipsImageHandle(cast!))
        }
        return try join(bands[0], bands[1], bands[2])
    }

    /// A flat image of `bands` bands, every pixel `value`.
    static func flat(width: Int, height: Int, bands: Int = 3, value: Double) throws -> VipsImageHandle {
        try VipsRuntime.start()
        var black: UnsafeMutablePointer<VipsImage>?
        try check(bp_vips_black(&black, Int32(width), Int32(height), Int32(bands)), "black")
        let blackImage = VipsImageHandle(black!)
        var lit: UnsafeMutablePointer<VipsImage>?
        try blackImage.withPointer { try check(bp_vips_linear1($0, &lit, 1, value), "linear") }
        let litImage = VipsImageHandle(lit!)
        var cast: UnsafeMutablePointer<VipsImage>?
        try litImage.withPointer { try check(bp_vips_cast($0, &cast, VIPS_FORMAT_UCHAR), "cast") }
        return VipsImageHandle(cast!)
    }

    /// Left half black, right half white (3 bands): shows where a rotation put the left edge.
    static func leftDark(width: Int, height: Int) throws -> VipsImageHandle {
        try VipsRuntime.start()
        var xyz: UnsafeMutablePointer<VipsImage>?
        try check(bp_vips_xyz(&xyz, Int32(width), Int32(height)), "xyz")
        let coordinates = VipsImageHandle(xyz!)
        var x: UnsafeMutablePointer<VipsImage>?
        try coordinates.withPointer { try check(bp_vips_extract_band($0, &x, 0), "extract_band") }
        let xImage = VipsImageHandle(x!)
        // x < width/2 -> 0, else 255: scale x by 255 / (width/2) and clip through the uchar cast.
        var scaled: UnsafeMutablePointer<VipsImage>?
        try xImage.withPointer {
            try check(bp_vips_linear1($0, &scaled, 1000, -1000 * Double(width / 2) + 1), "linear")
        }
        let scaledImage = VipsImageHandle(scaled!)
        var cast: UnsafeMutablePointer<VipsImage>?
        try scaledImage.withPointer { try check(bp_vips_cast($0, &cast, VIPS_FORMAT_UCHAR), "cast") }
        let gray = VipsImageHandle(cast!)
        return try join(gray, gray, gray)
    }

    /// Saves with the saver the file name's extension picks (.jpg, .png, .webp, .tif, .gif).
    static func save(_ image: VipsImageHandle, to url: URL) throws {
        try image.withPointer { try check(bp_vips_write_to_file($0, url.path), "save \(url.lastPathComponent)") }
    }

    /// Three one-band images as one three-band image.
    static func join(_ a: VipsImageHandle, _ b: VipsImageHandle, _ c: VipsImageHandle) throws -> VipsImageHandle {
        var joined: UnsafeMutablePointer<VipsImage>?
        try withExtendedLifetime((a, b, c)) {
            try check(bp_vips_bandjoin3(a.pointer, b.pointer, c.pointer, &joined), "bandjoin")
        }
        return VipsImageHandle(joined!)
    }

    /// The JPEG encoding of `image` (quality 90, no metadata).
    static func jpegBytes(_ image: VipsImageHandle) throws -> [UInt8] {
        try image.encode({ bp_vips_jpegsave_buffer($0, $1, $2, 90, 1) }, failure: { .internal($0) })
    }

    /// A JPEG of `image` with an EXIF block (orientation, GPS position) right after SOI.
    static func jpegWithExif(_ image: VipsImageHandle, orientation: Int, gps: Bool) throws -> [UInt8] {
        let jpeg = try jpegBytes(image)
        let app1 = ExifSegment.app1(orientation: orientation, gps: gps)
        return Array(jpeg[0..<2]) + app1 + Array(jpeg[2...])
    }

    /// Opens encoded bytes with libvips (lazily) to inspect their header.
    static func open(_ bytes: [UInt8]) throws -> VipsImageHandle {
        try VipsRuntime.start()
        let pointer = bytes.withUnsafeBytes {
            bp_vips_new_from_buffer($0.baseAddress, $0.count, VIPS_ACCESS_RANDOM, VIPS_FAIL_ON_NONE)
        }
        guard let pointer else { throw Failure(description: "cannot open: \(VipsRuntime.takeErrorText())") }
        return VipsImageHandle(pointer)
    }

    /// True when libvips sees EXIF field `name` (e.g. `exif-ifd3-GPSLatitude`) in `bytes`.
    static func hasField(_ name: String, in bytes: [UInt8]) throws -> Bool {
        try open(bytes).has(field: name)
    }

    static func write(_ bytes: [UInt8], to url: URL) throws {
        try Data(bytes).write(to: url)
    }
}
