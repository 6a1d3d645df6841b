/// Byte patterns that betray a second format or active content inside a file.
///
/// Markers are long enough that compressed image data (random-looking bytes) does not match them by
/// chance: the shortest, `%PDF-`, matches a random position once in 2^40, so a genuine 20 MB image
/// is falsely refused less than once in 50,000; every markup marker is 6 bytes or longer.
enum ContentMarkers {
    /// HTML/script openings, matched case-insensitively: a browser that sniffs these renders the
    /// file as a page (stored XSS), and PHP/JSP servers run them if the file lands in a web root.
    static let markup: [(pattern: [UInt8], name: String)] = [
        "<script", "<html>", "<html ", "<!doctype html", "<iframe", "<?php ", "<?php\n", "<?php\r", "<?php\t",
        "<object", "<embed ", "<body>", "<body ", "javascript:", "<%@ page", "<jsp:",
    ].map { (Array($0.utf8), $0.trimmingCharacters(in: " \n\r\t")) }

    /// A PDF header anywhere in an image: Acrobat and other readers find `%PDF-` past the start,
    /// so a JPEG with one inside is also a PDF.
    static let pdfHeader: [UInt8] = Array("%PDF-".utf8)

    /// The markup matcher used on prefixes.
    static let markupMatcher = Matcher(markup.map { ($0.pattern, true) })

    /// The first markup marker in `bytes`, by name.
    static func firstMarkup(in bytes: some Collection<UInt8>) -> String? {
        Self.markupMatcher.firstMatch(in: Array(bytes)).map { Self.markup[$0].name }
    }

    /// Finds the first of several patterns in one pass; patterns are indexed by their first byte.
    struct Matcher: Sendable {
        private let patterns: [(bytes: [UInt8], caseInsensitive: Bool)]
        /// For each possible byte, the patterns that start with it.
        private let byFirstByte: [[Int]]

        /// `patterns`: the bytes and whether ASCII letters match in any case.
        init(_ patterns: [(bytes: [UInt8], caseInsensitive: Bool)]) {
            self.patterns = patterns.map { pattern in
                (pattern.caseInsensitive ? pattern.bytes.map(Self.lower) : pattern.bytes, pattern.caseInsensitive)
            }
            var table = [[Int]](repeating: [], count: 256)
            for (index, pattern) in self.patterns.enumerated() where !pattern.bytes.isEmpty {
                let first = pattern.bytes[0]
                table[Int(first)].append(index)
                if pattern.caseInsensitive, Self.lower(first) != Self.upper(first) {
                    table[Int(Self.upper(first))].append(index)
                }
            }
            self.byFirstByte = table
        }

        /// The index (in the patterns given to `init`) of the pattern found first in `bytes`.
        func firstMatch(in bytes: [UInt8]) -> Int? {
            bytes.withUnsafeBufferPointer { buffer -> Int? in
                for position in 0..<buffer.count {
                    let candidates = self.byFirstByte[Int(buffer[position])]
                    if candidates.isEmpty { continue }
                    for index in candidates where self.matches(index, in: buffer, at: position) { return index }
                }
                return nil
            }
        }

        private func matches(_ index: Int, in buffer: UnsafeBufferPointer<UInt8>, at position: Int) -> Bool {
            let pattern = self.patterns[index]
            guard position + pattern.bytes.count <= buffer.count else { return false }
            for offset in 1..<pattern.bytes.count {
                let byte = buffer[position + offset]
                if (pattern.caseInsensitive ? Self.lower(byte) : byte) != pattern.bytes[offset] { return false }
            }
            return true
        }

        @inline(__always)
        static func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }

        @inline(__always)
        static func upper(_ byte: UInt8) -> UInt8 { byte >= 0x61 && byte <= 0x7A ? byte & ~0x20 : byte }
    }
}
