/// Byte patterns that betray a second format or active content inside a file.
///
/// Every marker is at least 5 bytes long, so that compressed image data (random-looking bytes)
/// matches one by chance about once in 2^40 positions: a false refusal of a genuine 20 MB photo is
/// practically impossible.
enum ContentMarkers {
    /// HTML/script openings, matched case-insensitively: a browser that sniffs these renders the
    /// file as a page (stored XSS), and PHP/JSP servers run them if the file lands in a web root.
    static let markup: [(pattern: [UInt8], name: String)] = [
        "<script", "<html", "<!doctype html", "<iframe", "<?php", "<body", "<object", "<embed", "<svg ",
        "<svg>", "javascript:", "<%@",
    ].map { (Array($0.utf8), $0) }

    /// A PDF header anywhere in an image: Acrobat and other readers find `%PDF-` past the start,
    /// so a JPEG with one inside is also a PDF.
    static let pdfHeader: [UInt8] = Array("%PDF-".utf8)

    /// The first markup marker in `bytes`, by name.
    static func firstMarkup(in bytes: some Collection<UInt8>) -> String? {
        let bytes = Array(bytes)
        for marker in Self.markup where Self.find(marker.pattern, in: bytes, caseInsensitive: true) != nil {
            return marker.name
        }
        return nil
    }

    /// The offset of `pattern` in `bytes` (ASCII case folded when `caseInsensitive`).
    static func find(_ pattern: [UInt8], in bytes: [UInt8], caseInsensitive: Bool) -> Int? {
        guard !pattern.isEmpty, bytes.count >= pattern.count else { return nil }
        let first = Self.fold(pattern[0], caseInsensitive)
        var index = 0
        let last = bytes.count - pattern.count
        while index <= last {
            if Self.fold(bytes[index], caseInsensitive) == first {
                var matched = true
                for offset in 1..<pattern.count
                where Self.fold(bytes[index + offset], caseInsensitive) != Self.fold(pattern[offset], caseInsensitive) {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }

    @inline(__always)
    private static func fold(_ byte: UInt8, _ caseInsensitive: Bool) -> UInt8 {
        caseInsensitive && byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }
}
