import CVips
import Foundation
import Testing

@testable import Imaging

@Suite("Imaging: hostile and broken input")
struct ImagingHostileInputTests {
    /// The error `makeVariants` (or `probe`) throws for `bytes` written to a file.
    private func failure(
        _ bytes: [UInt8],
        name: String = "upload",
        configuration: ImagingConfiguration = ImagingConfiguration(),
        probeOnly: Bool = false
    ) async throws -> ImagingError? {
        try await TestImages.withDirectory { dir in
            let file = dir.appendingPathComponent(name)
            try TestImages.write(bytes, to: file)
            return try await TestImages.withProcessor(configuration) { processor -> ImagingError? in
                do {
                    if probeOnly {
                        _ = try await processor.probe(fileAt: file.path)
                    } else {
                        _ = try await processor.makeVariants(fileAt: file.path, purpose: .profile)
                    }
                    return nil
                } catch let error as ImagingError {
                    return error
                }
            }
        }
    }

    @Test("PNG decompression bomb (IHDR 100000 x 100000, tiny IDAT) is refused from its header")
    func pngBomb() async throws {
        let bomb = HostileFiles.pngBomb(width: 100_000, height: 100_000)
        #expect(bomb.count < 100)
        try await TestImages.withDirectory { dir in
            let file = dir.appendingPathComponent("bomb.png")
            try TestImages.write(bomb, to: file)
            try await TestImages.withProcessor { processor in
                for attempt in 0..<2 {  // probe alone, then the whole variant call
                    let clock = ContinuousClock()
                    let start = clock.now
                    let error = await #expect(throws: ImagingError.self) {
                        if attempt == 0 {
                            _ = try await processor.probe(fileAt: file.path)
                        } else {
                            _ = try await processor.makeVariants(fileAt: file.path, purpose: .project)
                        }
                    }
                    let elapsed = clock.now - start
                    #expect(error?.kind == .tooManyPixels)
                    #expect(error?.isPermanent == true)
                    #expect(error?.message.contains("100000 x 100000") == true)
                    // A figure for the record, not an assertion (timings are not tested).
                    print(
                        "imaging: PNG bomb 100000 x 100000 refused by \(attempt == 0 ? "probe" : "makeVariants") in \(elapsed)"
                    )
                }
            }
        }
    }

    @Test("JPEG header claiming 60000 x 60000 is refused before decoding")
    func jpegBomb() async throws {
        let small = try TestImages.jpegBytes(try TestImages.noise(width: 16, height: 16))
        let bomb = HostileFiles.jpegBomb(from: small, width: 60000, height: 60000)
        let error = try await failure(bomb, name: "bomb.jpg")
        #expect(error?.kind == .tooManyPixels)
        #expect(error?.message.contains("60000 x 60000") == true)
    }

    @Test("the pixel limit is configurable")
    func customPixelLimit() async throws {
        let png = try TestImages.noise(width: 100, height: 100)
        let bytes = try png.encode({ bp_vips_pngsave_buffer($0, $1, $2) }, failure: { .internal($0) })
        let error = try await failure(bytes, configuration: ImagingConfiguration(maxPixels: 9_999))
        #expect(error?.kind == .tooManyPixels)
        #expect(try await failure(bytes, configuration: ImagingConfiguration(maxPixels: 10_000)) == nil)
    }

    @Test("a truncated JPEG is a clear permanent error, not half an image")
    func truncatedJPEG() async throws {
        let jpeg = try TestImages.jpegBytes(try TestImages.noise(width: 1000, height: 800))
        for fraction in [0.3, 0.6, 0.95] {
            let cut = Array(jpeg.prefix(Int(Double(jpeg.count) * fraction)))
            let error = try await failure(cut, name: "cut.jpg")
            #expect(error?.kind == .truncated, "cut at \(fraction): \(String(describing: error))")
            #expect(error?.isPermanent == true)
        }
    }

    @Test("a truncated PNG is truncated, from the header on")
    func truncatedPNG() async throws {
        let png = try TestImages.noise(width: 400, height: 300).encode(
            { bp_vips_pngsave_buffer($0, $1, $2) }, failure: { .internal($0) })
        for length in [png.count / 2, 40, 20, 9] {
            let error = try await failure(Array(png.prefix(length)), name: "cut.png")
            #expect(error?.kind == .truncated, "cut at \(length): \(String(describing: error))")
            #expect(error?.isPermanent == true)
        }
    }

    @Test("garbage, zero-length and text are not images")
    func notImages() async throws {
        var generator = SystemRandomNumberGenerator()
        let garbage = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for (bytes, name) in [(garbage, "garbage.jpg"), ([], "empty.png"), (Array("hello, world\n".utf8), "hello.txt")]
        {
            let error = try await failure(bytes, name: name)
            #expect(error?.kind == .notAnImage, "\(name): \(String(describing: error))")
            #expect(error?.isPermanent == true)
        }
    }

    @Test("a JPEG start followed by garbage is damaged or truncated, never a crash")
    func jpegMagicThenGarbage() async throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5 {
            let bytes = [0xFF, 0xD8, 0xFF, 0xE0] + (0..<2000).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let error = try await failure(bytes)
            #expect(error != nil && error!.isPermanent, "\(String(describing: error))")
        }
    }

    @Test("too large: the byte limit is checked before reading")
    func tooLarge() async throws {
        let bytes = try TestImages.jpegBytes(try TestImages.noise(width: 200, height: 200))
        let error = try await failure(bytes, configuration: ImagingConfiguration(maxBytes: bytes.count - 1))
        #expect(error?.kind == .tooLarge)
    }

    @Test("SVG, PDF, PPM and .v are refused as images; PDF is accepted by probe")
    func unsupportedFormats() async throws {
        let svg = Array(
            #"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>"#.utf8
        )
        #expect(try await failure(svg, name: "a.svg")?.kind == .unsupportedFormat)
        // Formats libvips knows through its untrusted loaders: PPM, and its own .v format.
        let ppm = Array("P6\n2 2\n255\n".utf8) + [UInt8](repeating: 7, count: 12)
        #expect(try await failure(ppm, name: "a.ppm")?.kind == .unsupportedFormat)
        let vipsFile = try await TestImages.withDirectory { dir in
            let file = dir.appendingPathComponent("a.v")
            try TestImages.save(try TestImages.noise(width: 8, height: 8), to: file)
            return try Array(Data(contentsOf: file))
        }
        #expect(try await failure(vipsFile, name: "a.v")?.kind == .unsupportedFormat)
        let pdf = MinimalPDF.make(pages: 1)
        #expect(try await failure(pdf, name: "a.pdf")?.kind == .unsupportedFormat)
        #expect(try await failure(pdf, name: "a.pdf", probeOnly: true) == nil)
    }

    @Test("a missing file is unreadable (not permanent: storage may be catching up)")
    func missingFile() async throws {
        let error = try await TestImages.withProcessor { processor in
            await #expect(throws: ImagingError.self) {
                try await processor.probe(fileAt: "/nonexistent/\(UUID().uuidString).jpg")
            }
        }
        #expect(error?.kind == .unreadable)
        #expect(error?.isPermanent == false)
    }

    @Test("error messages carry no file path")
    func messagesHaveNoPath() async throws {
        try await TestImages.withDirectory { dir in
            let file = dir.appendingPathComponent("secret-name.jpg")
            try TestImages.write(
                Array(TestImages.jpegBytes(try TestImages.noise(width: 300, height: 300)).prefix(900)), to: file)
            let error = try await TestImages.withProcessor { processor in
                await #expect(throws: ImagingError.self) {
                    try await processor.makeVariants(fileAt: file.path, purpose: .profile)
                }
            }
            #expect(error.map { !$0.description.contains("secret-name") && !$0.description.contains(dir.path) } == true)
        }
    }
}
