import Testing

@testable import Files

@Suite("FileSniffer: magic bytes, declarations, extensions")
struct FileSnifferTests {
    static func sniff(_ bytes: [UInt8], _ type: String? = nil, _ name: String? = nil) throws(FileIntakeError)
        -> SniffedType
    {
        try FileSniffer.sniff(prefix: bytes, declaredContentType: type, filename: name)
    }

    @Test("each accepted format, with its content type, extension and kind")
    func formats() throws {
        let pdf = try Self.sniff(Samples.pdf, "application/pdf", "certificate.pdf")
        #expect(pdf.contentType == "application/pdf" && pdf.fileExtension == "pdf" && pdf.kind == .document)
        #expect(try Self.sniff(Samples.jpeg, "image/jpeg", "me.JPG") == SniffedType(format: .jpeg))
        #expect(try Self.sniff(Samples.jpeg).kind == .image)
        #expect(try Self.sniff(Samples.png, "image/png; charset=binary", "a.png").format == .png)
        #expect(try Self.sniff(Samples.webp, "image/webp", "a.webp").format == .webp)
        #expect(try Self.sniff(Samples.ftyp("heic", ["mif1", "heic"]), "image/heic", "IMG_0001.HEIC").format == .heic)
        #expect(try Self.sniff(Samples.ftyp("mif1", ["heic"])).format == .heic)
        #expect(try Self.sniff(Samples.ftyp("mif1", ["miaf"])).format == .heif)
        #expect(try Self.sniff(Samples.ftyp("avif", ["mif1", "miaf"]), "image/avif", "a.avif").format == .avif)
        #expect(try Self.sniff(Samples.ftyp("mif1", ["avif"])).format == .avif)
    }

    @Test("no declaration, octet-stream or no extension claim nothing")
    func noClaim() throws {
        #expect(try Self.sniff(Samples.png, "application/octet-stream", "upload").format == .png)
        #expect(try Self.sniff(Samples.png, "", ".hidden").format == .png)
        #expect(try Self.sniff(Samples.png, nil, "dir.v2/upload").format == .png)
    }

    @Test(
        "a declared content type that disagrees with the bytes is refused",
        arguments: [
            (Samples.png, "image/jpeg"), (Samples.pdf, "image/png"), (Samples.jpeg, "text/html"),
            (Samples.jpeg, "application/pdf"), (Samples.webp, "image/svg+xml"), (Samples.pdf, "application/zip"),
        ])
    func contentTypeMismatch(bytes: [UInt8], declared: String) {
        #expect(throws: FileIntakeError.contentTypeMismatch) { try Self.sniff(bytes, declared) }
    }

    @Test(
        "a file name extension that disagrees with the bytes is refused",
        arguments: [
            (Samples.png, "photo.jpg"), (Samples.pdf, "doc.exe"), (Samples.jpeg, "x.jpg.html"),
            (Samples.jpeg, "shell.php"), (Samples.pdf, "a.pdf.svg"), (Samples.png, "C:\\Users\\x\\evil.hta"),
        ])
    func extensionMismatch(bytes: [UInt8], name: String) {
        #expect(throws: FileIntakeError.extensionMismatch) { try Self.sniff(bytes, nil, name) }
    }

    @Test("the message names both sides, not the file")
    func message() {
        do {
            _ = try Self.sniff(Samples.png, "image/jpeg")
            Issue.record("accepted")
        } catch {
            #expect(error.message.contains("image/jpeg") && error.message.contains("image/png"))
        }
    }

    @Test(
        "unknown and unsupported types are refused",
        arguments: [
            Samples.zip, Array("GIF89a....".utf8), Array("MZ\u{90}\0".utf8), [0x7F, 0x45, 0x4C, 0x46, 2, 1],
            Array("<svg xmlns=\"http://www.w3.org/2000/svg\">".utf8), Array("<!DOCTYPE html><html>".utf8),
            Array("hello world".utf8), Array("%PDF".utf8), [0xFF, 0xD8], [0x89, 0x50, 0x4E, 0x47],
            Array("RIFF\0\0\0\0WAVEfmt ".utf8), Array("RIFF\0\0\0\0WEBP".utf8), Samples.ftyp("isom", ["mp41"]),
            Samples.ftyp("qt  ", []), Array(" %PDF-1.4".utf8), Samples.noise(4096), [0],
        ])
    func unknown(bytes: [UInt8]) {
        #expect(throws: FileIntakeError.unknownType) { try Self.sniff(bytes) }
    }

    @Test("malformed ftyp boxes are not images")
    func malformedFtyp() {
        var huge = Samples.ftyp("heic", [])
        huge[0] = 0x7F  // box size larger than the data
        #expect(throws: FileIntakeError.unknownType) { try Self.sniff(huge) }
        var tiny = Samples.ftyp("heic", [])
        tiny[3] = 8  // size smaller than an ftyp box
        #expect(throws: FileIntakeError.unknownType) { try Self.sniff(tiny) }
        #expect(throws: FileIntakeError.unknownType) { try Self.sniff(Array(Samples.ftyp("heic", []).prefix(10))) }
    }

    @Test("an empty file is refused")
    func empty() {
        #expect(throws: FileIntakeError.empty) { try Self.sniff([]) }
    }

    @Test(
        "HTML or script in the first KiB of any format is refused",
        arguments: [
            "<script>alert(1)</script>", "<HTML>", "<?php system($_GET[1]); ?>", "<iframe src=x>",
            "javascript:alert(1)",
        ])
    func markupInPrefix(markup: String) {
        let bytes = Samples.png + Array(markup.utf8)
        #expect(throws: FileIntakeError.activeContent) { try Self.sniff(bytes) }
        let pdf = Array("%PDF-1.4\n%".utf8) + Array(markup.utf8)
        #expect(throws: FileIntakeError.activeContent) { try Self.sniff(pdf) }
    }

    @Test("helpers: content type and extension normalisation")
    func helpers() {
        #expect(FileSniffer.normalizedContentType(" Image/PNG ; q=1") == "image/png")
        #expect(FileSniffer.normalizedContentType("application/octet-stream") == nil)
        #expect(FileSniffer.fileExtension(of: "a/b/c.TAR.GZ") == "gz")
        #expect(FileSniffer.fileExtension(of: "noext") == nil)
        #expect(FileSniffer.fileExtension(of: ".bashrc") == nil)
        #expect(FileSniffer.fileExtension(of: "trailing.") == nil)
    }
}
