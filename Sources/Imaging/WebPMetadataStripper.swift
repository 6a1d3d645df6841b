/// Removes the metadata chunks (EXIF, XMP, ICC profile) from a WebP file, in pure Swift.
///
/// Why: libvips 8.14.1's webpsave writes an EXIF chunk even with `strip` (a fresh block with
/// resolution and size if the image has no EXIF; the source's, GPS included, if it has). We drop
/// such fields from the image before encoding and this removes the chunk from the output.
///
/// RIFF layout: `RIFF` <u32le size of the rest> `WEBP`, then chunks of `FourCC` <u32le payload
/// size> <payload> <one zero pad byte if the size is odd>. An extended file starts with `VP8X`, whose
/// first payload byte has flags ICC 0x20, alpha 0x10, EXIF 0x08, XMP 0x04, animation 0x02.
enum WebPMetadataStripper {
    /// FourCCs of the chunks removed.
    static let metadataChunks: Set<[UInt8]> = [Array("EXIF".utf8), Array("XMP ".utf8), Array("ICCP".utf8)]

    /// The file without metadata chunks and with the VP8X flags and RIFF size fixed; `nil` when
    /// `webp` is not a well-formed WebP container (chunk sizes past the end, wrong header).
    static func strip(_ webp: [UInt8]) -> [UInt8]? {
        guard webp.count >= 12, webp[0..<4].elementsEqual("RIFF".utf8), webp[8..<12].elementsEqual("WEBP".utf8)
        else { return nil }
        var out: [UInt8] = Array(webp[0..<12])
        out.reserveCapacity(webp.count)
        var index = 12
        var vp8xFlagsAt: Int?
        while index < webp.count {
            guard index + 8 <= webp.count else { return nil }
            let fourCC = Array(webp[index..<(index + 4)])
            let size = Int(readUInt32LE(webp, at: index + 4))
            let padded = size + (size & 1)
            guard size <= webp.count, index + 8 + padded <= webp.count || index + 8 + size == webp.count else {
                return nil
            }
            let end = min(index + 8 + padded, webp.count)
            if !metadataChunks.contains(fourCC) {
                if fourCC.elementsEqual("VP8X".utf8) && size >= 1 {
                    vp8xFlagsAt = out.count + 8
                }
                out += webp[index..<end]
            }
            index = end
        }
        if let flagsAt = vp8xFlagsAt {
            out[flagsAt] &= ~UInt8(0x20 | 0x08 | 0x04)
        }
        let riffSize = UInt32(out.count - 8)
        out[4] = UInt8(riffSize & 0xFF)
        out[5] = UInt8((riffSize >> 8) & 0xFF)
        out[6] = UInt8((riffSize >> 16) & 0xFF)
        out[7] = UInt8(riffSize >> 24)
        return out
    }

    private static func readUInt32LE(_ bytes: [UInt8], at index: Int) -> UInt32 {
        UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16
            | UInt32(bytes[index + 3]) << 24
    }
}
