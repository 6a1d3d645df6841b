import NIOCore

/// Object storage for file processing: local files (``LocalStorage``) or an S3-compatible
/// service (``S3Storage``). Made from `STORAGE_URL` by ``StorageURL/makeStorage(http:logger:)``.
///
/// Every method throws ``StorageError`` only; ``StorageError/isTransient`` says whether a retry
/// may help. Large objects are streamed between disk and the storage, never held in memory.
public protocol ObjectStorage: Sendable {
    /// Stores the file at `path` under `key`, streamed from disk (S3: multipart above
    /// ``S3Storage/multipartThreshold``). Replaces an existing object.
    func put(_ key: StorageKey, fileAt path: String, contentType: String) async throws(StorageError) -> StoredObject

    /// Stores a small object held in memory (a generated image variant, a JSON document).
    func put(_ key: StorageKey, bytes: ByteBuffer, contentType: String) async throws(StorageError) -> StoredObject

    /// Writes the object to a new file at `path` (replacing one that is there), streamed;
    /// ``StorageError/tooLarge`` when it has more than `maxBytes` bytes. On any failure no file
    /// is left at `path`.
    func get(_ key: StorageKey, toFileAt path: String, maxBytes: Int) async throws(StorageError) -> ObjectInfo

    /// The object's size, type and tag; `nil` when there is none (S3: a missing bucket also
    /// gives `nil`, since a HEAD answer has no body to tell them apart).
    func head(_ key: StorageKey) async throws(StorageError) -> ObjectInfo?

    /// Deletes the object; deleting a missing object succeeds.
    func delete(_ key: StorageKey) async throws(StorageError)
}

extension ObjectStorage {
    /// Stores a small object given as bytes.
    public func put(_ key: StorageKey, bytes: [UInt8], contentType: String) async throws(StorageError) -> StoredObject {
        try await self.put(key, bytes: ByteBuffer(bytes: bytes), contentType: contentType)
    }
}
