/// Byte samples of each format and of hostile files, built in code (no binary fixtures).
enum Samples {
    static let pdf = Array(
        "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".utf8)
    static let jpeg: [UInt8] =
        [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF\0".utf8) + [UInt8](repeating: 0x11, count: 64) + [
            0xFF, 0xD9,
        ]
    static let png: [UInt8] =
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        + [UInt8](repeating: 1, count: 17)
    static let webp: [UInt8] =
        Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WEBPVP8 ".utf8) + [UInt8](repeating: 0, count: 24)

    /// An ISO-BMFF `ftyp` box: major brand, minor version 0, compatible brands.
    static func ftyp(_ major: String, _ compatible: [String]) -> [UInt8] {
        let size = 16 + 4 * compatible.count
        var bytes: [UInt8] = [UInt8(size >> 24), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)]
        bytes += Array("ftyp".utf8) + Array(major.utf8) + [0, 0, 0, 0]
        for brand in compatible { bytes += Array(brand.utf8) }
        return bytes + [0, 0, 0, 8] + Array("meta".utf8)
    }

    /// A ZIP end-of-central-directory record with a comment of `commentLength` bytes.
    static func zipEOCD(commentLength: Int = 0) -> [UInt8] {
        [0x50, 0x4B, 0x05, 0x06] + [UInt8](repeating: 0, count: 16)
            + [UInt8(commentLength & 0xFF), UInt8(commentLength >> 8)] + [UInt8](repeating: 0x43, count: commentLength)
    }

    /// A minimal but complete ZIP archive holding one stored file.
    static let zip: [UInt8] = {
        let name = Array("a.txt".utf8)
        let data = Array("hi".utf8)
        var local: [UInt8] = [0x50, 0x4B, 0x03, 0x04, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        local += [0, 0, 0, 0]  // crc (not checked here)
        local += [UInt8(data.count), 0, 0, 0, UInt8(data.count), 0, 0, 0, UInt8(name.count), 0, 0, 0] + name + data
        var central: [UInt8] = [0x50, 0x4B, 0x01, 0x02, 20, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        central +=
            [
                UInt8(data.count), 0, 0, 0, UInt8(data.count), 0, 0, 0, UInt8(name.count), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0, 0,
            ] + name
        var eocd: [UInt8] = [0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0, 1, 0, 1, 0]
        eocd += [UInt8(central.count), 0, 0, 0, UInt8(local.count), 0, 0, 0, 0, 0]
        return local + central + eocd
    }()

    /// Deterministic pseudo-random bytes (compressed image data looks like this).
    static func noise(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
        var state = seed
        var bytes = [UInt8](repeating: 0, count: count)
        for index in 0..<count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            bytes[index] = UInt8(truncatingIfNeeded: state)
        }
        return bytes
    }
}
