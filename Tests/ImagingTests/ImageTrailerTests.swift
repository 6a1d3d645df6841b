import Testing

@testable import Imaging

@Suite("Imaging: trailers")
struct ImageTrailerTests {
    @Test(
        "JPEG needs EOI, PNG needs IEND, GIF needs 3B; a file shorter than the trailer is incomplete; other formats have no say"
    )
    func trailers() {
        #expect(ImageTrailer.isComplete(format: .jpeg, tail: [1, 2, 0xFF, 0xD9]) == true)
        #expect(ImageTrailer.isComplete(format: .jpeg, tail: [0xFF, 0xD9, 0, 0]) == true)
        #expect(ImageTrailer.isComplete(format: .jpeg, tail: [0x12, 0x34, 0x56, 0xFF]) == false)
        #expect(ImageTrailer.isComplete(format: .jpeg, tail: [0xD9]) == false)  // a 1-byte file
        let iend: [UInt8] = [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]
        #expect(ImageTrailer.isComplete(format: .png, tail: iend) == true)
        #expect(ImageTrailer.isComplete(format: .png, tail: Array(iend.dropLast()) + [0]) == false)
        #expect(ImageTrailer.isComplete(format: .png, tail: [1, 2]) == false)
        #expect(ImageTrailer.isComplete(format: .gif, tail: [0x00, 0x3B]) == true)
        #expect(ImageTrailer.isComplete(format: .gif, tail: []) == false)
        #expect(ImageTrailer.isComplete(format: .webp, tail: iend) == nil)
    }
}
