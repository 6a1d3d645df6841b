/// The result of `process_document`: where the checked document was stored.
public struct DocumentResult: Codable, Sendable, Hashable {
    /// The content-addressed storage key.
    public var key: String
    public var sha256: String
    public var content_type: String
    public var bytes: Int64
    /// Page count, for PDFs.
    public var pages: Int?
}
