/// SigV4's URI encoding (the S3 rules): every byte of the UTF-8 form is percent-encoded with
/// upper-case hex except the unreserved `A-Z a-z 0-9 - . _ ~`; `/` is kept in paths and encoded
/// in query names and values. Applied exactly once: S3 object keys are not encoded twice.
public enum SigV4URIEncoding {
    /// Encodes `text`; `/` is kept when `keepSlash` (a path), else encoded as `%2F`.
    public static func encode(_ text: some StringProtocol, keepSlash: Bool) -> String {
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: "/") where keepSlash:
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The canonical query string: names and values encoded, sorted by name then value, joined
    /// with `&` (a name without a value becomes `name=`).
    public static func canonicalQuery(_ items: [(name: String, value: String)]) -> String {
        items
            .map { (Self.encode($0.name, keepSlash: false), Self.encode($0.value, keepSlash: false)) }
            .sorted {
                $0.0 == $1.0
                    ? $0.1.utf8.lexicographicallyPrecedes($1.1.utf8) : $0.0.utf8.lexicographicallyPrecedes($1.0.utf8)
            }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }
}
