/// What ``LocalStorage`` keeps beside an object: its content type and tag, as the text
/// `v1\n<content type>\n<etag>\n` (a content type has no newline: ``ContentType`` checks it).
struct LocalObjectMetadata: Sendable, Equatable {
    let contentType: String
    let etag: String

    init(contentType: String, etag: String) {
        self.contentType = contentType
        self.etag = etag
    }

    /// Reads the text written by ``encoded``; `nil` for anything else (a missing, truncated or
    /// foreign file then only loses the content type and tag, not the object).
    init?(decoding text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 3, lines[0] == "v1", !lines[1].isEmpty, lines[1].count <= ContentType.maximumLength,
            lines[2].count <= 128
        else { return nil }
        self.contentType = String(lines[1])
        self.etag = String(lines[2])
    }

    var encoded: String { "v1\n\(self.contentType)\n\(self.etag)\n" }
}
