/// An object just written by ``ObjectStorage/put(_:fileAt:contentType:)`` or ``ObjectStorage/put(_:bytes:contentType:)``.
public struct StoredObject: Sendable, Hashable {
    /// The object's key.
    public let key: StorageKey
    /// Size in bytes.
    public let bytes: Int64
    /// The content type it was stored with.
    public let contentType: String
    /// An opaque version tag (S3's ETag without quotes; a SHA-256 for local files), if known.
    public let etag: String?

    /// Creates a value.
    public init(key: StorageKey, bytes: Int64, contentType: String, etag: String?) {
        self.key = key
        self.bytes = bytes
        self.contentType = contentType
        self.etag = etag
    }
}
