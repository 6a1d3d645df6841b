import Foundation
import Testing

@testable import Imaging

@Suite("Imaging: PDF pages and grayscale rendering")
struct ImagingPDFTests {
    @Test("page count of a multi-page PDF")
    func pageCount() async throws {
        try await TestImages.withDirectory { dir in
            for pages in [1, 3, 12] {
                let file = dir.appendingPathComponent("doc\(pages).pdf")
                try TestImages.write(MinimalPDF.make(pages: pages), to: file)
                let count = try await TestImages.withProcessor { try await $0.pdfPageCount(fileAt: file.path) }
                #expect(count == pages)
            }
        }
    }

    @Test("page count refuses an image and a PDF over the page limit")
    func pageCountRefusals() async throws {
        try await TestImages.withDirectory { dir in
            let image = dir.appendingPathComponent("a.png")
            try TestImages.save(try TestImages.noise(width: 20, height: 20), to: image)
            let pdf = dir.appendingPathComponent("many.pdf")
            try TestImages.write(MinimalPDF.make(pages: 5), to: pdf)
            try await TestImages.withProcessor(ImagingConfiguration(maxPages: 4)) { processor in
                let notPDF = await #expect(throws: ImagingError.self) {
                    try await processor.pdfPageCount(fileAt: image.path)
                }
                #expect(notPDF?.kind == .unsupportedFormat)
                let tooMany = await #expect(throws: ImagingError.self) {
                    try await processor.pdfPageCount(fileAt: pdf.path)
                }
                #expect(tooMany?.kind == .tooLarge)
            }
        }
    }

    @Test("renderGray of PDF page N at a dpi: size from the dpi, the page's own square dark, the rest white")
    func renderPDFPage() async throws {
        try await TestImages.withDirectory { dir in
            let file = dir.appendingPathComponent("doc.pdf")
            try TestImages.write(MinimalPDF.make(pages: 3, width: 200, height: 100), to: file)
            try await TestImages.withProcessor { processor in
                for page in 0..<3 {
                    let gray = try await processor.renderGray(fileAt: file.path, page: page, dpi: 144)
                    #expect(gray.width == 400 && gray.height == 200)
                    #expect(gray.bytes.count == 400 * 200)
                    // Square of page p: x 20+10p ... 60+10p pt, y 20 ... 60 pt from the bottom; at 2 px/pt
                    // its centre is at x = 80 + 20p, y = 200 - 80 = 120 (from the top).
                    #expect(gray[80 + 20 * page, 120] < 30, "page \(page)")
                    #expect(gray[350, 40] > 225, "page \(page): background is white")
                    // The left edge of the square moves with the page, so pages differ.
                    #expect(gray[40 + 20 * page + 2, 120] < 30)
                    if page > 0 { #expect(gray[40 + 20 * (page - 1) + 2, 120] > 225) }
                }
                let low = try await processor.renderGray(fileAt: file.path, page: 0, dpi: 72)
                #expect(low.width == 200 && low.height == 100)
            }
        }
    }

    @Test("renderGray refusals: page out of range, dpi out of range, a page too big at its dpi")
    func renderRefusals() async throws {
        try await TestImages.withDirectory { dir in
            let file = dir.appendingPathComponent("doc.pdf")
            try TestImages.write(MinimalPDF.make(pages: 2), to: file)
            let poster = dir.appendingPathComponent("poster.pdf")
            // 14400 pt (200 in) square: 120000 x 120000 px at 600 dpi; refused from the page size.
            try TestImages.write(MinimalPDF.make(pages: 1, width: 14400, height: 14400), to: poster)
            try await TestImages.withProcessor { processor in
                for page in [2, -1, 1000] {
                    let error = await #expect(throws: ImagingError.self) {
                        try await processor.renderGray(fileAt: file.path, page: page, dpi: 100)
                    }
                    #expect(error?.kind == .pageOutOfRange)
                }
                for dpi in [0, 5, 601, .infinity, .nan] as [Double] {
                    let error = await #expect(throws: ImagingError.self) {
                        try await processor.renderGray(fileAt: file.path, page: 0, dpi: dpi)
                    }
                    #expect(error?.kind == .invalidArgument)
                }
                let clock = ContinuousClock()
                let start = clock.now
                let error = await #expect(throws: ImagingError.self) {
                    try await processor.renderGray(fileAt: poster.path, page: 0, dpi: 600)
                }
                #expect(error?.kind == .tooManyPixels)
                print("imaging: 120000 x 120000 px PDF page refused in \(clock.now - start)")
            }
        }
    }

    @Test("broken PDFs: garbage after the header and a truncated file fail permanently")
    func brokenPDF() async throws {
        try await TestImages.withDirectory { dir in
            let whole = MinimalPDF.make(pages: 2)
            let cases: [[UInt8]] = [
                Array("%PDF-1.4\n".utf8) + [UInt8](repeating: 0x41, count: 500),
                Array(whole.prefix(whole.count / 2)),
                Array("%PDF-1.7\n".utf8),
            ]
            try await TestImages.withProcessor { processor in
                for (index, bytes) in cases.enumerated() {
                    let file = dir.appendingPathComponent("broken\(index).pdf")
                    try TestImages.write(bytes, to: file)
                    do {
                        let gray = try await processor.renderGray(fileAt: file.path, page: 0, dpi: 72)
                        // poppler repairs what it can: a repaired file must still give a whole page.
                        #expect(gray.bytes.count == gray.width * gray.height, "case \(index)")
                    } catch let error as ImagingError {
                        #expect(error.isPermanent, "case \(index): \(error)")
                    }
                }
            }
        }
    }

    @Test("renderGray of an image: upright, transparency on white, 8-bit")
    func renderImage() async throws {
        try await TestImages.withDirectory { dir in
            let transparent = dir.appendingPathComponent("clear.png")
            // 4 bands, all zero: black with alpha 0 -> white after flattening.
            try TestImages.save(try TestImages.flat(width: 30, height: 20, bands: 4, value: 0), to: transparent)
            let rotated = dir.appendingPathComponent("rot.jpg")
            try TestImages.write(
                try TestImages.jpegWithExif(try TestImages.leftDark(width: 60, height: 30), orientation: 6, gps: false),
                to: rotated)
            try await TestImages.withProcessor { processor in
                let clear = try await processor.renderGray(fileAt: transparent.path)
                #expect(clear.width == 30 && clear.height == 20)
                #expect(clear.bytes.allSatisfy { $0 == 255 })
                let upright = try await processor.renderGray(fileAt: rotated.path, dpi: 300)
                #expect(upright.width == 30 && upright.height == 60)
                #expect(upright[15, 5] < 40 && upright[15, 55] > 215)
                let error = await #expect(throws: ImagingError.self) {
                    try await processor.renderGray(fileAt: rotated.path, page: 1)
                }
                #expect(error?.kind == .pageOutOfRange)
            }
        }
    }
}
