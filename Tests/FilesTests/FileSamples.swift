import Foundation
import TestSupport

/// Files the tests feed the jobs, built in code (ImageMagick's policy here forbids writing PDFs, and
/// libvips 8.14 has no PDF writer, so PDFs are written by hand with a correct xref table).
enum FileSamples {
    /// A valid PDF with `pages` empty pages and, when `padding > 0`, a stream object of that many
    /// ASCII bytes (a unique nonce first, so every call gives different content).
    static func pdf(pages: Int, padding: Int = 0, comment: String? = nil) -> [UInt8] {
        var out: [UInt8] = Array("%PDF-1.4\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
        if let comment { out += Array("% \(comment)\n".utf8) }
        var offsets: [Int] = []
        func object(_ body: [UInt8]) {
            offsets.append(out.count)
            out += Array("\(offsets.count) 0 obj\n".utf8) + body + Array("\nendobj\n".utf8)
        }
        let kids = (0..<pages).map { "\($0 + 3) 0 R" }.joined(separator: " ")
        object(Array("<< /Type /Catalog /Pages 2 0 R >>".utf8))
        object(Array("<< /Type /Pages /Kids [\(kids)] /Count \(pages) >>".utf8))
        for _ in 0..<pages { object(Array("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>".utf8)) }
        if padding > 0 {
            let nonce = Array("nonce \(UUID().uuidString)\n".utf8)
            let line = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz\n".utf8)
            var stream = nonce
            stream.reserveCapacity(padding)
            while stream.count < padding { stream += line }
            stream.removeLast(stream.count - padding)
            object(Array("<< /Length \(stream.count) >>\nstream\n".utf8) + stream + Array("\nendstream".utf8))
        }
        let xref = out.count
        out += Array("xref\n0 \(offsets.count + 1)\n0000000000 65535 f \n".utf8)
        for offset in offsets { out += Array(String(format: "%010d 00000 n \n", offset).utf8) }
        out += Array("trailer\n<< /Size \(offsets.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n".utf8)
        return out
    }

    /// A one-page `%PDF-1.4` with the EICAR test string in a comment.
    static func eicarPDF() -> [UInt8] { pdf(pages: 1, comment: TestClamd.eicar) }

    /// A JPEG of `width` x `height`, left half black and right half white, written by ImageMagick
    /// (/usr/bin/convert), with an EXIF block (Orientation = `orientation`) right after SOI.
    static func jpeg(width: Int, height: Int, orientation: Int? = nil) throws -> [UInt8] {
        let directory = try makeTemporaryDirectory("files-jpeg")
        defer { try? FileManager.default.removeItem(at: directory) }
        try runProgram(
            "/usr/bin/convert",
            ["-size", "\(width / 2)x\(height)", "xc:black", "-size", "\(width - width / 2)x\(height)", "xc:white", "+append",
             "-quality", "90", "-strip", "out.jpg"],
            in: directory)
        let jpeg = [UInt8](try Data(contentsOf: directory.appendingPathComponent("out.jpg")))
        guard let orientation else { return jpeg }
        return Array(jpeg[0..<2]) + exifOrientation(orientation) + Array(jpeg[2...])
    }

    /// An APP1 Exif segment holding only IFD0's Orientation (little-endian TIFF).
    static func exifOrientation(_ orientation: Int) -> [UInt8] {
        var tiff: [UInt8] = [0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00]  // "II", 42, IFD0 at 8
        tiff += [0x01, 0x00]  // one entry
        tiff += [0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, UInt8(orientation), 0x00, 0x00, 0x00]  // 0x0112 SHORT 1
        tiff += [0x00, 0x00, 0x00, 0x00]  // no next IFD
        let payload = Array("Exif".utf8) + [0, 0] + tiff
        let length = payload.count + 2
        return [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
    }

    /// A PNG whose IHDR claims `width` x `height` (RGB, 8 bits), with a tiny IDAT and IEND: a
    /// decompression bomb by its header.
    static func pngHeader(width: UInt32, height: UInt32) -> [UInt8] {
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        func be32(_ value: UInt32) -> [UInt8] { [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)] }
        func chunk(_ type: String, _ data: [UInt8]) {
            let typed = Array(type.utf8) + data
            out += be32(UInt32(data.count)) + typed + be32(crc32(typed))
        }
        chunk("IHDR", be32(width) + be32(height) + [8, 2, 0, 0, 0])
        chunk("IDAT", [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01])
        chunk("IEND", [])
        return out
    }

    /// CRC-32 (IEEE), as PNG chunks use.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// A minimal ZIP archive holding one stored file: appended to a PDF, the file is also a ZIP/JAR.
    static let zip: [UInt8] = {
        let name = Array("a.txt".utf8)
        let data = Array("hi".utf8)
        var local: [UInt8] = [0x50, 0x4B, 0x03, 0x04, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        local += [UInt8(data.count), 0, 0, 0, UInt8(data.count), 0, 0, 0, UInt8(name.count), 0, 0, 0] + name + data
        var central: [UInt8] = [0x50, 0x4B, 0x01, 0x02, 20, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        central += [UInt8(data.count), 0, 0, 0, UInt8(data.count), 0, 0, 0, UInt8(name.count), 0]
        central += [UInt8](repeating: 0, count: 16) + name
        var eocd: [UInt8] = [0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0, 1, 0, 1, 0]
        eocd += [UInt8(central.count), 0, 0, 0, UInt8(local.count), 0, 0, 0, 0, 0]
        return local + central + eocd
    }()

    /// Pseudo-random bytes (no known format).
    static func noise(_ count: Int) -> [UInt8] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }
}
