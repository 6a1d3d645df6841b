/// Whether a file ends the way its format requires, from its last bytes: a JPEG ends with the EOI
/// marker (FF D9), a PNG with an IEND chunk, a GIF with its trailer byte (3B). Used to name a decode
/// failure "truncated" deterministically, without relying on libvips' shared error text.
enum ImageTrailer {
    /// How many bytes from the end `isComplete` needs.
    static let length = 12

    /// `true`/`false` for the formats with a fixed trailer, `nil` for the others. `tail` is the file's
    /// last `length` bytes, or the whole file when it is shorter (then too short to be complete).
    static func isComplete(format: ImageFormat, tail: [UInt8]) -> Bool? {
        switch format {
        case .jpeg:
            // Encoders may pad after EOI; libjpeg ignores it. Accept EOI within the last bytes.
            guard tail.count >= 2 else { return false }
            return zip(tail, tail.dropFirst()).contains { $0 == 0xFF && $1 == 0xD9 }
        case .png:
            guard tail.count >= 12 else { return false }
            let iend: [UInt8] = [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]
            return Array(tail.suffix(12)) == iend
        case .gif:
            guard let last = tail.last else { return false }
            return last == 0x3B
        default:
            return nil
        }
    }
}
