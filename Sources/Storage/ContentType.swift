/// Checks of a caller's content type before it becomes a header or metadata.
enum ContentType {
    /// The longest content type accepted.
    static let maximumLength = 255

    /// Printable ASCII only (no CR/LF: a header cannot be injected), not empty, at most 255 characters.
    static func check(_ text: String) throws(StorageError) {
        guard !text.isEmpty else { throw .invalidArgument("empty content type") }
        guard text.utf8.count <= Self.maximumLength else {
            throw .invalidArgument("content type longer than \(Self.maximumLength) bytes")
        }
        guard text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw .invalidArgument("content type with a control or non-ASCII character")
        }
    }
}
