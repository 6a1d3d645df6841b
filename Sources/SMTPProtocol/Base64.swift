/// Standard base64 (RFC 4648, with padding), without Foundation.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Encodes `bytes` in one line.
    public static func encode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            let value = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            output.append(Self.alphabet[Int(value >> 18 & 63)])
            output.append(Self.alphabet[Int(value >> 12 & 63)])
            output.append(second == nil ? UInt8(ascii: "=") : Self.alphabet[Int(value >> 6 & 63)])
            output.append(third == nil ? UInt8(ascii: "=") : Self.alphabet[Int(value & 63)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Encodes `bytes` in lines of `lineLength` characters joined by CRLF (MIME bodies: 76).
    public static func encodeLines(_ bytes: [UInt8], lineLength: Int = 76) -> String {
        let encoded = Array(Self.encode(bytes).utf8)
        var output: [UInt8] = []
        output.reserveCapacity(encoded.count + encoded.count / lineLength * 2 + 2)
        var index = 0
        while index < encoded.count {
            let end = min(index + lineLength, encoded.count)
            output.append(contentsOf: encoded[index..<end])
            output.append(contentsOf: [0x0D, 0x0A])
            index = end
        }
        return String(decoding: output, as: UTF8.self)
    }
}
