/// Names in wire form (RFC 1035 section 3.1): length-prefixed labels ending with the root label.
public enum DNSName {
    /// Longest label, in bytes.
    public static let maximumLabelLength = 63
    /// Longest name in wire form (length bytes and the final zero included).
    public static let maximumWireLength = 255

    /// The name lower-cased (ASCII only) without a trailing dot, for comparisons.
    public static func canonical(_ name: String) -> String {
        var name = name
        if name.hasSuffix(".") { name.removeLast() }
        return String(decoding: name.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// Appends `name` (`example.com`, `example.com.`, or `""`/`.` for the root) in wire form.
    ///
    /// Throws for empty labels, labels over 63 bytes, names over 255 bytes and anything but printable
    /// ASCII (IDNs must be punycode-encoded first).
    public static func encode(_ name: String, into bytes: inout [UInt8]) throws(DNSMessageError) {
        var text = Array(name.utf8)
        if text.last == UInt8(ascii: ".") { text.removeLast() }
        if text.isEmpty {
            bytes.append(0)
            return
        }
        var wire: [UInt8] = []
        for label in text.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard !label.isEmpty else { throw .emptyLabel }
            guard label.count <= Self.maximumLabelLength else { throw .labelTooLong }
            guard label.allSatisfy({ (0x21...0x7E).contains($0) }) else { throw .invalidCharacter }
            wire.append(UInt8(label.count))
            wire.append(contentsOf: label)
        }
        wire.append(0)
        guard wire.count <= Self.maximumWireLength else { throw .nameTooLong }
        bytes.append(contentsOf: wire)
    }

    /// The text of a received label: printable ASCII as is, `.`, `\` and other bytes escaped
    /// as `\DDD` (RFC 4343 style), so a hostile label cannot pose as several labels.
    static func text(ofLabel label: ArraySlice<UInt8>) -> String {
        var text = ""
        for byte in label {
            if (0x21...0x7E).contains(byte), byte != UInt8(ascii: "."), byte != UInt8(ascii: "\\") {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let digits = String(byte)
                text += "\\" + String(repeating: "0", count: 3 - digits.count) + digits
            }
        }
        return text
    }
}
