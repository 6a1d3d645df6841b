import Testing

@testable import Imaging

@Suite("Imaging: pure parts")
struct ImagingUnitTests {
    @Test("loader names map to formats; unknown loaders are nil")
    func loaderNames() {
        #expect(ImageFormat(loader: ImageFormat.loaderNickname(className: "VipsForeignLoadJpegFile")) == .jpeg)
        #expect(ImageFormat(loader: ImageFormat.loaderNickname(className: "VipsForeignLoadPngBuffer")) == .png)
        #expect(ImageFormat(loader: ImageFormat.loaderNickname(className: "VipsForeignLoadNsgifFile")) == .gif)
        #expect(ImageFormat(loader: ImageFormat.loaderNickname(className: "VipsForeignLoadPdfSource")) == .pdf)
        #expect(ImageFormat(loader: "heifload_buffer") == .heif)
        #expect(ImageFormat(loader: ImageFormat.loaderNickname(className: "VipsForeignLoadMatrixFile")) == nil)
        #expect(ImageFormat(loader: ImageFormat.loaderNickname(className: "VipsForeignLoadMagickFile")) == nil)
        #expect(ImageFormat(loader: "") == nil)
    }

    @Test("pixel guard: limits, overflow, zero and negative sizes")
    func pixelGuard() throws {
        let configuration = ImagingConfiguration(maxPixels: 1_000_000)
        try configuration.checkPixels(width: 1000, height: 1000)
        #expect(throws: ImagingError.self) { try configuration.checkPixels(width: 1001, height: 1000) }
        #expect(throws: ImagingError.self) { try configuration.checkPixels(width: .max, height: .max) }
        #expect(throws: ImagingError.self) { try configuration.checkPixels(width: 0, height: 10) }
        #expect(throws: ImagingError.self) { try configuration.checkPixels(width: -5, height: -5) }
    }

    @Test("decode failures: truncation wording gives truncated, other text damaged")
    func classification() {
        #expect(ImagingError.decodeFailure(vipsMessage: "VipsJpeg: Premature end of JPEG file\n").kind == .truncated)
        #expect(ImagingError.decodeFailure(vipsMessage: "spng: unexpected end of file").kind == .truncated)
        #expect(
            ImagingError.decodeFailure(vipsMessage: "VipsJpeg: Corrupt JPEG data: bad Huffman code").kind == .damaged)
        #expect(ImagingError.decodeFailure(vipsMessage: "").kind == .damaged)
    }

    @Test("purposes: sizes, crops, largest first")
    func purposes() {
        #expect(ImagePurpose.profile.variantSpecs.map(\.box) == [512, 256, 128])
        #expect(ImagePurpose.profile.variantSpecs.allSatisfy { $0.squareCrop })
        #expect(ImagePurpose.project.variantSpecs.map(\.box) == [1600, 800, 400])
        #expect(!ImagePurpose.project.variantSpecs.contains { $0.squareCrop })
    }

    @Test("header: display size follows the orientation")
    func header() {
        #expect(ImageHeader(width: 40, height: 30, format: .jpeg, orientation: 6).displayWidth == 30)
        #expect(ImageHeader(width: 40, height: 30, format: .jpeg, orientation: 3).displayWidth == 40)
        #expect(ImageHeader(width: .max, height: 2, format: .png).pixelCount == .max)
    }

    @Test("hand-made PNG bomb is a well-formed PNG (correct CRCs)")
    func pngBombIsWellFormed() {
        #expect(HostileFiles.crc32(Array("IEND".utf8)) == 0xAE42_6082)
        let bomb = HostileFiles.pngBomb(width: 100_000, height: 100_000)
        #expect(bomb.suffix(4) == [0xAE, 0x42, 0x60, 0x82])
    }
}
