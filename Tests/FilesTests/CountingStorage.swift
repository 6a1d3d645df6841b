import NIOConcurrencyHelpers
import NIOCore
import Storage

/// An ``ObjectStorage`` decorator that counts the puts the jobs make and can fail the next
/// `failPuts` of them as `unavailable` (transient: the job is retried).
final class CountingStorage: ObjectStorage {
    let base: any ObjectStorage
    private let state = NIOLockedValueBox((puts: [String](), failPuts: 0))

    init(_ base: any ObjectStorage) { self.base = base }

    /// Keys put so far, in order (failed puts excluded).
    var puts: [String] { self.state.withLockedValue { $0.puts } }

    /// Fails the next `count` puts.
    func failNextPuts(_ count: Int) { self.state.withLockedValue { $0.failPuts = count } }

    private func record(_ key: StorageKey) throws(StorageError) {
        let fail = self.state.withLockedValue { state -> Bool in
            if state.failPuts > 0 {
                state.failPuts -= 1
                return true
            }
            state.puts.append(key.rawValue)
            return false
        }
        if fail { throw .unavailable }
    }

    func put(_ key: StorageKey, fileAt path: String, contentType: String) async throws(StorageError) -> StoredObject {
        try self.record(key)
        return try await self.base.put(key, fileAt: path, contentType: contentType)
    }

    func put(_ key: StorageKey, bytes: ByteBuffer, contentType: String) async throws(StorageError) -> StoredObject {
        try self.record(key)
        return try await self.base.put(key, bytes: bytes, contentType: contentType)
    }

    func get(_ key: StorageKey, toFileAt path: String, maxBytes: Int) async throws(StorageError) -> ObjectInfo {
        try await self.base.get(key, toFileAt: path, maxBytes: maxBytes)
    }

    func head(_ key: StorageKey) async throws(StorageError) -> ObjectInfo? { try await self.base.head(key) }

    func delete(_ key: StorageKey) async throws(StorageError) { try await self.base.delete(key) }
}
