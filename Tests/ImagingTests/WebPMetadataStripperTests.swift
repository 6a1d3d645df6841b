import Testing

@testable import Imaging

@Suite("Imaging: WebP metadata stripper")
struct WebPMetadataStripperTests {
    private func chunk(_ fourCC: String, _ payload: [UInt8]) -> [UInt8] {
        let n = UInt32(payload.count)
        return Array(fourCC.utf8) + [UInt8(n & 0xFF), UInt8((n >> 8) & 0xFF), UInt8((n >> 16) & 0xFF), UInt8(n >> 24)]
            + payload + (payload.count % 2 == 1 ? [0] : [])
    }

    private func riff(_ chunks: [UInt8]) -> [UInt8] {
        let n = UInt32(chunks.count + 4)
        return Array("RIFF".utf8) + [UInt8(n & 0xFF), UInt8((n >> 8) & 0xFF), UInt8((n >> 16) & 0xFF), UInt8(n >> 24)]
            + Array("WEBP".utf8) + chunks
    }

    @Test("EXIF, XMP and ICCP chunks go, VP8X flags and the RIFF size follow, image chunks stay")
    func strips() {
        let vp8x = chunk("VP8X", [0x20 | 0x10 | 0x08 | 0x04, 0, 0, 0, 9, 0, 0, 9, 0, 0])
        let image = chunk("VP8 ", [1, 2, 3])  // odd: padded
        let input = riff(
            vp8x + chunk("ICCP", [9, 9]) + image + chunk("EXIF", Array("II*\0GPS".utf8)) + chunk("XMP ", [7]))
        let expected = riff(chunk("VP8X", [0x10, 0, 0, 0, 9, 0, 0, 9, 0, 0]) + image)
        #expect(WebPMetadataStripper.strip(input) == expected)
        #expect(WebPMetadataStripper.strip(expected) == expected)
    }

    @Test("malformed containers are refused, never read out of bounds")
    func malformed() {
        let good = riff(chunk("VP8 ", [1, 2, 3, 4]))
        #expect(WebPMetadataStripper.strip([]) == nil)
        #expect(WebPMetadataStripper.strip(Array("RIFF\0\0\0\0WEBX".utf8)) == nil)
        for length in 13..<good.count {
            #expect(WebPMetadataStripper.strip(Array(good.prefix(length))) == nil, "cut at \(length)")
        }
        var huge = good
        huge[16] = 0xFF; huge[17] = 0xFF; huge[18] = 0xFF; huge[19] = 0x7F
        #expect(WebPMetadataStripper.strip(huge) == nil)
    }
}
