import CVips
import Foundation
import Testing

@testable import Imaging

@Suite("Imaging: header probe")
struct ImagingProbeTests {
    @Test(
        "each accepted format is recognised from its bytes, whatever the file is called",
        arguments: [("jpg", ImageFormat.jpeg), ("png", .png), ("webp", .webp), ("gif", .gif), ("tif", .tiff)]
    )
    func formats(extension ext: String, format: ImageFormat) async throws {
        try await TestImages.withDirectory { dir in
            let named = dir.appendingPathComponent("image.\(ext)")
            try TestImages.save(try TestImages.noise(width: 64, height: 48), to: named)
            // The name says nothing: detection reads the content.
            let anonymous = dir.appendingPathComponent("upload.bin")
            try FileManager.default.moveItem(at: named, to: anonymous)
            let header = try await TestImages.withProcessor { try await $0.probe(fileAt: anonymous.path) }
            #expect(header == ImageHeader(width: 64, height: 48, format: format))
        }
    }

    @Test("a multi-page TIFF: pages counted, page 0's size, every page renders")
    func multiPageTIFF() async throws {
        try await TestImages.withDirectory { dir in
            let file = dir.appendingPathComponent("scan.tif")
            let tall = try TestImages.flat(width: 40, height: 90, bands: 1, value: 200)
            tall.withPointer { vips_image_set_int($0, "page-height", 30) }
            try TestImages.save(tall, to: file)
            try await TestImages.withProcessor { processor in
                let header = try await processor.probe(fileAt: file.path)
                #expect(header == ImageHeader(width: 40, height: 30, format: .tiff, pages: 3))
                for page in 0..<3 {
                    let gray = try await processor.renderGray(fileAt: file.path, page: page)
                    #expect(gray.width == 40 && gray.height == 30)
                    #expect(gray.bytes.allSatisfy { $0 == 200 })
                }
            }
        }
    }

    @Test("the probe opens the file lazily: no pixel buffer exists after reading the header")
    func probeDoesNotDecode() async throws {
        try await TestImages.withDirectory { dir in
            let file = dir.appendingPathComponent("big.jpg")
            try TestImages.save(try TestImages.flat(width: 6000, height: 4000, value: 120), to: file)
            try VipsRuntime.start()
            let image = try VipsImaging.open(path: file.path, page: 0)
            #expect(image.width == 6000 && image.height == 4000)
            // PARTIAL: a pipeline whose pixels are computed on demand; a decoded image would be
            // SETBUF (or MMAPIN) with a 72 MB buffer.
            #expect(image.withPointer { $0.pointee.dtype } == VIPS_IMAGE_PARTIAL)
        }
    }
}
