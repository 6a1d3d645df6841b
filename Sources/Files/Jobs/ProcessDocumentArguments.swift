/// The arguments of `process_document` (docs/protocol.md).
public struct ProcessDocumentArguments: Decodable, Sendable {
    /// A storage key or an `https` URL.
    public var source: String
    /// What the document is (`certificate`, `degree`...): lowercase letters, digits and `_`.
    public var kind: String
    /// The user's file name; its extension must agree with the bytes.
    public var filename: String?
    /// The declared content type; must agree with the bytes.
    public var content_type: String?
    /// A tighter size cap than the worker's (`FILES_MAX_BYTES`).
    public var max_bytes: Int?
    /// The size the producer declared, charged to the upload limit before the job runs.
    public var size_bytes: Int64?
}
