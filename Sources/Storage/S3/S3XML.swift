/// The few XML documents S3 answers with, read without an XML parser: the text of the first
/// `<Name>...</Name>` element (entities decoded). Bounded, never recursive, never throws: a
/// missing, truncated or garbage document gives `nil`.
enum S3XML {
    /// The largest document looked at; S3's error and multipart documents are far smaller.
    static let maximumDocumentBytes = 64 << 10

    /// The decoded text of the first element `name` (without attributes), or `nil`.
    static func firstElement(_ name: String, in document: String) -> String? {
        let text =
            document.utf8.count > Self.maximumDocumentBytes
            ? String(document.prefix(Self.maximumDocumentBytes)) : document
        guard let open = text.range(of: "<\(name)>"),
            let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex)
        else { return nil }
        return Self.decodeEntities(text[open.upperBound..<close.lowerBound])
    }

    /// `&amp; &lt; &gt; &quot; &apos;` and numeric references decoded; an unknown entity is kept as is.
    static func decodeEntities(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard character == "&", let semicolon = text[index...].prefix(12).firstIndex(of: ";") else {
                out.append(character)
                index = text.index(after: index)
                continue
            }
            let entity = text[text.index(after: index)..<semicolon]
            var replacement: String? = nil
            switch entity {
            case "amp": replacement = "&"
            case "lt": replacement = "<"
            case "gt": replacement = ">"
            case "quot": replacement = "\""
            case "apos": replacement = "'"
            default:
                if entity.hasPrefix("#x") || entity.hasPrefix("#X"), let value = UInt32(entity.dropFirst(2), radix: 16)
                {
                    replacement = Unicode.Scalar(value).map { String(Character($0)) }
                } else if entity.hasPrefix("#"), let value = UInt32(entity.dropFirst()) {
                    replacement = Unicode.Scalar(value).map { String(Character($0)) }
                }
            }
            if let replacement {
                out += replacement
                index = text.index(after: semicolon)
            } else {
                out.append(character)
                index = text.index(after: index)
            }
        }
        return out
    }

    /// `&`, `<`, `>`, `"` and `'` escaped, for text put in a request document.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }

    /// The body of `CompleteMultipartUpload`: the parts in order with their ETags.
    static func completeMultipartUpload(parts: [(number: Int, etag: String)]) -> String {
        var body = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for part in parts {
            body += "<Part><PartNumber>\(part.number)</PartNumber><ETag>\(Self.escape(part.etag))</ETag></Part>"
        }
        return body + "</CompleteMultipartUpload>"
    }
}
