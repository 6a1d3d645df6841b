/// RFC 2047 encoded-words (`=?UTF-8?B?...?=`) for non-ASCII header text: subjects, display names.
///
/// Text is cut between characters (grapheme clusters; a cluster too big for one word is cut
/// between Unicode scalars), never inside a UTF-8 sequence, so every word decodes on its own, as
/// RFC 2047 section 5 requires. Each word is at most 75 characters; words are joined by folding
/// whitespace (CRLF SP), which decoders drop between adjacent encoded-words.
public enum EncodedWord {
    /// Longest encoded-word (RFC 2047 section 2).
    public static let maximumWordLength = 75
    static let prefix = "=?UTF-8?B?"
    static let suffix = "?="

    /// Whether `text` can go into a header as it is: printable ASCII, no `=?` that a reader would
    /// take for an encoded-word, and short enough for one line.
    public static func isSafeVerbatim(_ text: String, maximumLength: Int = 900) -> Bool {
        text.utf8.count <= maximumLength && text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F || $0 == 0x09 } && !text.contains("=?")
    }

    /// The encoded-words of `text`. The first word leaves room for `firstLineUsed` characters
    /// already on its line (e.g. `Subject: `), so that line stays within 76 characters.
    public static func encode(_ text: String, firstLineUsed: Int = 0) -> [String] {
        let fullCapacity = Self.payloadBytes(forChars: Self.maximumWordLength - Self.prefix.count - Self.suffix.count)
        let firstCapacity = max(3, Self.payloadBytes(forChars: min(Self.maximumWordLength, 76 - firstLineUsed - 1) - Self.prefix.count - Self.suffix.count))
        var words: [String] = []
        var chunk: [UInt8] = []
        var capacity = firstCapacity
        func flush() {
            guard !chunk.isEmpty else { return }
            words.append(Self.prefix + Base64.encode(chunk) + Self.suffix)
            chunk.removeAll(keepingCapacity: true)
            capacity = fullCapacity
        }
        for character in text {
            let bytes = Array(String(character).utf8)
            if bytes.count <= fullCapacity {
                if chunk.count + bytes.count > capacity { flush() }
                chunk.append(contentsOf: bytes)
            } else {
                for scalar in character.unicodeScalars {
                    let scalarBytes = Array(String(scalar).utf8)
                    if chunk.count + scalarBytes.count > capacity { flush() }
                    chunk.append(contentsOf: scalarBytes)
                }
            }
        }
        flush()
        return words.isEmpty ? [Self.prefix + Self.suffix] : words
    }

    /// Bytes of payload whose base64 fits in `chars` characters.
    private static func payloadBytes(forChars chars: Int) -> Int { max(0, chars / 4) * 3 }
}
