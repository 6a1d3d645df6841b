import Foundation
import Testing

@testable import Imaging

@Suite("Imaging: variants")
struct ImagingVariantTests {
    @Test("profile: 512/256/128 centre-cropped squares, WebP and JPEG, decodable")
    func profileVariants() async throws {
        try await TestImages.withDirectory { dir in
            let file = dir.appendingPathComponent("photo.jpg")
            try TestImages.save(try TestImages.noise(width: 1200, height: 900), to: file)
            let set = try await TestImages.withProcessor {
                try await $0.makeVariants(fileAt: file.path, purpose: .profile)
            }
            #expect(set.header == ImageHeader(width: 1200, height: 900, format: .jpeg))
            #expect(set.variants.map(\.spec.box) == [512, 512, 256, 256, 128, 128])
            #expect(set.variants.map(\.format) == [.webp, .jpeg, .webp, .jpeg, .webp, .jpeg])
            for variant in set.variants {
                #expect(variant.width == variant.spec.box && variant.height == variant.spec.box)
                #expect(variant.byteCount == variant.bytes.count && variant.byteCount > 100)
                let decoded = try TestImages.open(variant.bytes)
                #expect(decoded.width == variant.width && decoded.height == variant.height)
                let magic = Array(variant.bytes.prefix(12))
                switch variant.format {
                case .jpeg: #expect(magic.starts(with: [0xFF, 0xD8, 0xFF]))
                case .webp: #expect(magic[0..<4] == Array("RIFF".utf8)[...] && magic[8..<12] == Array("WEBP".utf8)[...])
                }
            }
        }
    }

    @Test("project: fitted within 1600/800/400, aspect kept, one format on request")
    func projectVariants() async throws {
        try await TestImages.withDirectory { dir in
            let file = dir.appendingPathComponent("wide.png")
            try TestImages.save(try TestImages.noise(width: 2000, height: 1000), to: file)
            let set = try await TestImages.withProcessor {
                try await $0.makeVariants(fileAt: file.path, purpose: .project, formats: [.jpeg])
            }
            #expect(set.header.format == .png)
            #expect(set.variants.map { [$0.width, $0.height] } == [[1600, 800], [800, 400], [400, 200]])
            #expect(set.variants.allSatisfy { $0.format == .jpeg })
        }
    }

    @Test("never upscales: a 300 x 200 source gives 200 x 200 profile squares and 300 x 200 project fits")
    func noUpscaling() async throws {
        try await TestImages.withDirectory { dir in
            let file = dir.appendingPathComponent("small.webp")
            try TestImages.save(try TestImages.noise(width: 300, height: 200), to: file)
            try await TestImages.withProcessor { processor in
                let profile = try await processor.makeVariants(fileAt: file.path, purpose: .profile, formats: [.webp])
                #expect(profile.header.format == .webp)
                #expect(profile.variants.map { [$0.width, $0.height] } == [[200, 200], [200, 200], [128, 128]])
                let project = try await processor.makeVariants(fileAt: file.path, purpose: .project, formats: [.webp])
                #expect(project.variants.map { [$0.width, $0.height] } == [[300, 200], [300, 200], [300, 200]])
            }
        }
    }

    @Test("EXIF orientation 6 is applied: stored 400 x 200 with the left half dark shows 200 x 400, top dark")
    func autoRotate() async throws {
        try await TestImages.withDirectory { dir in
            let file = dir.appendingPathComponent("rotated.jpg")
            let jpeg = try TestImages.jpegWithExif(
                try TestImages.leftDark(width: 400, height: 200), orientation: 6, gps: false)
            try TestImages.write(jpeg, to: file)
            try await TestImages.withProcessor { processor in
                let header = try await processor.probe(fileAt: file.path)
                #expect(header.orientation == 6 && header.width == 400 && header.height == 200)
                #expect(header.displayWidth == 200 && header.displayHeight == 400)
                let set = try await processor.makeVariants(
                    fileAt: file.path, purpose: .project, formats: [.jpeg, .webp])
                for variant in set.variants {
                    #expect(variant.width == 200 && variant.height == 400)
                    let out = dir.appendingPathComponent("out.\(variant.format.fileExtension)")
                    try TestImages.write(variant.bytes, to: out)
                    let gray = try await processor.renderGray(fileAt: out.path)
                    #expect(gray.width == 200 && gray.height == 400)
                    #expect(gray[100, 50] < 40, "the stored left edge is now the top")
                    #expect(gray[100, 350] > 215)
                }
            }
        }
    }

    @Test("all metadata is stripped: a JPEG with EXIF GPS gives variants with no EXIF, XMP, IPTC or ICC")
    func metadataStripped() async throws {
        try await TestImages.withDirectory { dir in
            let file = dir.appendingPathComponent("gps.jpg")
            let jpeg = try TestImages.jpegWithExif(
                try TestImages.noise(width: 900, height: 700), orientation: 1, gps: true)
            // The input really carries the position (so this test can fail).
            #expect(try TestImages.hasField("exif-ifd3-GPSLatitude", in: jpeg))
            #expect(try TestImages.hasField("exif-ifd3-GPSLongitude", in: jpeg))
            try TestImages.write(jpeg, to: file)
            for purpose in ImagePurpose.allCases {
                let set = try await TestImages.withProcessor {
                    try await $0.makeVariants(fileAt: file.path, purpose: purpose)
                }
                #expect(set.variants.count == 6)
                for variant in set.variants {
                    let label = "\(purpose) \(variant.spec.box) \(variant.format)"
                    let decoded = try TestImages.open(variant.bytes)
                    let hasMetadata = decoded.hasMetadata
                    let hasGPS = decoded.has(field: "exif-ifd3-GPSLatitude")
                    let hasExifText = contains(variant.bytes, Array("Exif".utf8))
                    #expect(!hasMetadata, "\(label): metadata")
                    #expect(!hasGPS, "\(label): GPS")
                    #expect(!hasExifText, "\(label): Exif header")
                    switch variant.format {
                    case .jpeg:
                        let hasAPP1 = jpegHasMarker(variant.bytes, 0xE1)
                        #expect(!hasAPP1, "\(label): no APP1 (EXIF/XMP) segment")
                    case .webp:
                        let hasChunk =
                            contains(variant.bytes, Array("EXIF".utf8)) || contains(variant.bytes, Array("XMP ".utf8))
                        #expect(!hasChunk, "\(label): no EXIF or XMP chunk")
                    }
                }
            }
        }
    }

    @Test("a huge but allowed image (10000 x 8000, 80 MP) is processed with shrink-on-load")
    func hugeWithinLimits() async throws {
        try await TestImages.withDirectory { dir in
            let file = dir.appendingPathComponent("huge.jpg")
            try TestImages.save(try TestImages.flat(width: 10000, height: 8000, value: 90), to: file)
            let set = try await TestImages.withProcessor {
                try await $0.makeVariants(fileAt: file.path, purpose: .project)
            }
            #expect(set.header.width == 10000 && set.header.height == 8000)
            #expect(
                set.variants.map { [$0.width, $0.height] } == [
                    [1600, 1280], [1600, 1280], [800, 640], [800, 640], [400, 320], [400, 320],
                ])
        }
    }

    @Test("formats must be non-empty and distinct")
    func formatsArgument() async throws {
        try await TestImages.withDirectory { dir in
            let file = dir.appendingPathComponent("a.png")
            try TestImages.save(try TestImages.noise(width: 50, height: 50), to: file)
            try await TestImages.withProcessor { processor in
                for formats: [ImageOutputFormat] in [[], [.jpeg, .jpeg]] {
                    let error = await #expect(throws: ImagingError.self) {
                        try await processor.makeVariants(fileAt: file.path, purpose: .profile, formats: formats)
                    }
                    #expect(error?.kind == .invalidArgument)
                }
            }
        }
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains {
            haystack[$0..<($0 + needle.count)].elementsEqual(needle)
        }
    }

    /// True when the JPEG has a marker segment `marker` before its scan data.
    private func jpegHasMarker(_ jpeg: [UInt8], _ marker: UInt8) -> Bool {
        var index = 2
        while index + 4 <= jpeg.count, jpeg[index] == 0xFF {
            let kind = jpeg[index + 1]
            if kind == marker { return true }
            if kind == 0xDA { return false }  // start of scan: no more header segments
            let length = Int(jpeg[index + 2]) << 8 | Int(jpeg[index + 3])
            index += 2 + length
        }
        return false
    }
}
