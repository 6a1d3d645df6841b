/// Finds PDF names (`/Name` tokens) that start scripts, launch programs or carry embedded files.
///
/// Names are decoded as PDF readers decode them (`#xx` is the byte xx: `/J#61vaScript` is
/// `/JavaScript`), so the usual escape trick does not hide them. Only the uncompressed structure
/// is seen: names inside compressed object streams are not.
enum PDFNames {
    /// Decoded names that make a PDF refused.
    static let active: Set<String> = ["JavaScript", "JS", "Launch", "EmbeddedFile", "EmbeddedFiles", "RichMedia"]

    /// The longest raw name examined (every byte escaped: 3 bytes per character of the longest
    /// active name, plus the slash); longer names cannot be one of ``active``.
    static let maximumRawLength = 1 + 3 * 16

    /// The first active name in `bytes`, decoded, without its slash.
    static func firstActiveName(in bytes: [UInt8]) -> String? {
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "/") else {
                index += 1
                continue
            }
            var end = index + 1
            while end < bytes.count, end - index <= maximumRawLength, Self.isRegular(bytes[end]) { end += 1 }
            // A name cut by the end of the window is judged in the next window (the overlap).
            if end < bytes.count || end - index > maximumRawLength, let name = Self.decode(bytes[(index + 1)..<end]),
                Self.active.contains(name)
            {
                return name
            }
            index = end
        }
        return nil
    }

    /// Regular characters of a PDF name: not white space, not a delimiter.
    private static func isRegular(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x00, 0x09, 0x0A, 0x0C, 0x0D, 0x20: false
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "["),
            UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "/"), UInt8(ascii: "%"):
            false
        default: true
        }
    }

    private static func decode(_ raw: ArraySlice<UInt8>) -> String? {
        guard raw.count <= maximumRawLength else { return nil }
        var output: [UInt8] = []
        var index = raw.startIndex
        while index < raw.endIndex {
            if raw[index] == UInt8(ascii: "#"), index + 2 < raw.endIndex, let high = hex(raw[index + 1]),
                let low = hex(raw[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(raw[index])
                index += 1
            }
        }
        return String(validating: output, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
