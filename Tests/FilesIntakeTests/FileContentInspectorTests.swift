import Foundation
import TestSupport
import Testing

@testable import Files

@Suite("FileContentInspector: polyglots and active content, streamed")
struct FileContentInspectorTests {
    /// Feeds `bytes` in chunks of `chunk` bytes and finishes.
    static func inspect(_ bytes: [UInt8], as format: SniffedType.Format, chunk: Int = 4096) throws(FileIntakeError) {
        var inspector = FileContentInspector(type: SniffedType(format: format))
        var offset = 0
        while offset < bytes.count {
            try inspector.feed(bytes[offset..<min(bytes.count, offset + chunk)])
            offset += chunk
        }
        try inspector.finish()
    }

    @Test("genuine files pass, including 4 MB of random image data")
    func clean() throws {
        try Self.inspect(Samples.pdf, as: .pdf)
        try Self.inspect(Samples.jpeg, as: .jpeg)
        try Self.inspect(Samples.jpeg + Samples.noise(4 << 20) + [0xFF, 0xD9], as: .jpeg, chunk: 65536)
        try Self.inspect(Samples.png + Samples.noise(1 << 20, seed: 42), as: .png, chunk: 10_000)
    }

    @Test("a PDF that is also a ZIP/JAR (EOCD at the end) is a polyglot")
    func pdfZip() {
        #expect(throws: FileIntakeError.polyglot) { try Self.inspect(Samples.pdf + Samples.zip, as: .pdf) }
        #expect(throws: FileIntakeError.polyglot) {
            try Self.inspect(Samples.pdf + Samples.zipEOCD(commentLength: 300), as: .pdf, chunk: 7)
        }
        #expect(throws: FileIntakeError.polyglot) {
            try Self.inspect(Samples.pdf + Samples.noise(200_000) + Samples.zip, as: .pdf, chunk: 65536)
        }
    }

    @Test("a JPEG or PNG with an appended ZIP is a polyglot")
    func imageZip() {
        #expect(throws: FileIntakeError.polyglot) { try Self.inspect(Samples.jpeg + Samples.zip, as: .jpeg) }
        #expect(throws: FileIntakeError.polyglot) { try Self.inspect(Samples.png + Samples.zip, as: .png, chunk: 1) }
    }

    @Test("a ZIP signature that does not end the file is data, not an archive")
    func eocdNotAtEnd() throws {
        // The comment length says 10 bytes follow, but 3 do.
        var bytes = Samples.jpeg + Samples.zipEOCD(commentLength: 10)
        bytes.removeLast(7)
        try Self.inspect(bytes, as: .jpeg)
    }

    @Test("a JPEG carrying a PDF header is a polyglot, even split across chunks")
    func jpegPDF() {
        let bytes = Samples.jpeg + Samples.noise(100_000) + Array("%PDF-1.5\n".utf8) + Samples.noise(100)
        for chunk in [1, 3, 4096, 65536] {
            #expect(throws: FileIntakeError.polyglot) { try Self.inspect(bytes, as: .jpeg, chunk: chunk) }
        }
    }

    @Test(
        "an image with script or markup anywhere is refused",
        arguments: ["<script>", "<SCRIPT src=//x>", "<?php eval($_POST[0]);", "<html><body>", "JavaScript:"])
    func imageMarkup(markup: String) {
        let bytes = Samples.jpeg + Samples.noise(50_000) + Array(markup.utf8) + [0xFF, 0xD9]
        #expect(throws: FileIntakeError.activeContent) { try Self.inspect(bytes, as: .jpeg, chunk: 999) }
    }

    @Test(
        "PDF actions that run code or carry files are refused",
        arguments: ["/JavaScript", "/Launch", "/EmbeddedFile", "/RichMedia"])
    func pdfActions(name: String) {
        let bytes = Samples.pdf.dropLast(6) + Array("2 0 obj << /S \(name) >> endobj\n%%EOF\n".utf8)
        #expect(throws: FileIntakeError.activeContent) { try Self.inspect(Array(bytes), as: .pdf, chunk: 5) }
    }

    @Test(
        "PDF names are decoded: escaped actions are refused, even split across chunks",
        arguments: [
            "/J#61vaScript", "/#4A#61#76#61#53#63#72#69#70#74", "/JS", "/Launch", "/Embedded#46ile", "/EmbeddedFiles",
        ])
    func escapedNames(name: String) {
        let bytes = Array(Samples.pdf.dropLast(6)) + Array("2 0 obj << /S \(name) (x) >> endobj\n%%EOF\n".utf8)
        for chunk in [1, 2, 7, 64, 4096] {
            #expect(throws: FileIntakeError.activeContent) { try Self.inspect(bytes, as: .pdf, chunk: chunk) }
        }
    }

    @Test("names that only look alike pass", arguments: ["/JSON", "/Javascript", "/LaunchPad", "/J#5", "/JavaScriptX"])
    func lookalikes(name: String) throws {
        let bytes = Array(Samples.pdf.dropLast(6)) + Array("2 0 obj << /S \(name) >> endobj\n%%EOF\n".utf8)
        try Self.inspect(bytes, as: .pdf, chunk: 3)
    }

    @Test("an empty stream fails at finish")
    func empty() {
        #expect(throws: FileIntakeError.empty) { try Self.inspect([], as: .pdf) }
    }

    @Test("inspect(fileAt:) reads a real file: a real PNG made by ImageMagick passes, with a ZIP appended it does not")
    func realFiles() async throws {
        let directory = try makeTemporaryDirectory("sniff")
        defer { try? FileManager.default.removeItem(at: directory) }
        let png = directory.appendingPathComponent("real.png")
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/convert") {
            try runProgram("/usr/bin/convert", ["-size", "300x200", "plasma:fractal", png.path], in: directory)
        } else {
            try Data(Samples.png + Samples.noise(300_000)).write(to: png)
        }
        let type = try await FileSniffer.inspect(fileAt: png.path, declaredContentType: "image/png", filename: "a.png")
        #expect(type.format == .png)

        let polyglot = directory.appendingPathComponent("polyglot.png")
        try Data(try Data(contentsOf: png) + Data(Samples.zip)).write(to: polyglot)
        await #expect(throws: FileIntakeError.polyglot) {
            try await FileSniffer.inspect(fileAt: polyglot.path, declaredContentType: nil, filename: nil)
        }
        let small = directory.appendingPathComponent("small.pdf")
        try Data(Samples.pdf).write(to: small)
        #expect(
            try await FileSniffer.inspect(fileAt: small.path, declaredContentType: nil, filename: "x.pdf").format
                == .pdf)
        await #expect(throws: FileIntakeError.extensionMismatch) {
            try await FileSniffer.inspect(fileAt: small.path, declaredContentType: nil, filename: "x.png")
        }
        await #expect(throws: FileIntakeError.unreadable) {
            try await FileSniffer.inspect(
                fileAt: directory.appendingPathComponent("missing").path, declaredContentType: nil, filename: nil)
        }
        let empty = directory.appendingPathComponent("empty")
        try Data().write(to: empty)
        await #expect(throws: FileIntakeError.empty) {
            try await FileSniffer.inspect(fileAt: empty.path, declaredContentType: nil, filename: nil)
        }
    }
}
