import Foundation

/// Text helpers for OCR output: normalisation and label search that ignores OCR spacing noise.
///
/// Tesseract often splits Korean words ("성 명", "재 직 증 명 서") or joins them, so labels are
/// matched with any whitespace between their characters.
enum DocumentText {
    /// NFKC (composes decomposed Hangul, maps full-width forms such as `：` and `１`), with
    /// colon-like marks unified to `:` and tabs turned into spaces.
    static func normalize(_ text: String) -> String {
        var result = text.precomposedStringWithCompatibilityMapping
        for (from, to) in [("\t", " "), ("∶", ":"), ("ː", ":"), ("\u{200B}", ""), ("\u{FEFF}", "")] {
            result = result.replacingOccurrences(of: from, with: to)
        }
        return result
    }

    /// `text` without any whitespace.
    static func compact(_ text: some StringProtocol) -> String {
        String(text.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) }.map(Character.init))
    }

    /// The first place in `line` (from `start`) where `label` occurs, whitespace between its
    /// characters allowed; the range covers the label as written in the line.
    static func find(_ label: String, in line: [Character], from start: Int = 0) -> Range<Int>? {
        let wanted = Array(self.compact(label))
        guard !wanted.isEmpty, start < line.count else { return nil }
        for begin in start..<line.count where line[begin] == wanted[0] {
            var position = begin
            var matched = 0
            while position < line.count, matched < wanted.count {
                if line[position] == wanted[matched] {
                    matched += 1
                    position += 1
                } else if line[position].isWhitespace, matched > 0 {
                    position += 1
                } else {
                    break
                }
            }
            if matched == wanted.count { return begin..<position }
        }
        return nil
    }

    /// `value` without the separators OCR leaves between a label and its value.
    static func trimSeparators(_ value: some StringProtocol) -> String {
        let separators = CharacterSet(charactersIn: ":;|)]}>.,-_=~*·").union(.whitespacesAndNewlines)
        let trimmedLeading = value.unicodeScalars.drop { separators.contains($0) }
        let text = String(String.UnicodeScalarView(trimmedLeading))
        return text.trimmingCharacters(in: CharacterSet(charactersIn: ":;|([{<,_=*·").union(.whitespacesAndNewlines))
    }
}
