import Crypto
import NIOCore
import NIOFileSystem
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// ``ObjectStorage`` on a local directory (`STORAGE_URL=file:///dir`; `var/storage` by default).
///
/// Layout: `DIR/objects/<key>` holds the bytes, `DIR/meta/<key>` the content type and tag
/// (``LocalObjectMetadata``), `DIR/tmp/` the files being written. A write goes to a new file in
/// `tmp/` and is renamed into place (`rename(2)`, atomic on one file system): a reader sees the
/// old object or the new one, never a half-written one. The metadata is renamed just before the
/// object, so for a moment a reader may see the new type and tag with the old bytes.
/// Directories are created as needed. A key that is a "directory" of another (`a` and `a/b`)
/// cannot be stored in both forms: the second put is refused.
///
/// Failures of the storage directory (permissions, disk full) are ``StorageError/unavailable``;
/// failures of the caller's own file are ``StorageError/localFile``.
public struct LocalStorage: ObjectStorage {
    /// The storage directory.
    public let directory: String
    private let chunkLength: ByteCount = .kibibytes(256)

    /// A store under `directory` (created on first write).
    public init(directory: String) {
        self.directory = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
    }

    private func objectPath(_ key: StorageKey) -> FilePath { FilePath("\(self.directory)/objects/\(key.rawValue)") }
    private func metadataPath(_ key: StorageKey) -> FilePath { FilePath("\(self.directory)/meta/\(key.rawValue)") }
    private func temporaryPath() -> FilePath {
        FilePath(
            "\(self.directory)/tmp/\(String(UInt64.random(in: .min ... .max), radix: 16))-\(String(UInt64.random(in: .min ... .max), radix: 16))"
        )
    }

    // MARK: ObjectStorage

    public func put(_ key: StorageKey, fileAt path: String, contentType: String) async throws(StorageError)
        -> StoredObject
    {
        try ContentType.check(contentType)
        _ = try await LocalFiles.size(ofFileAt: path)
        let temporary = try await self.prepareTemporary()
        var hasher = SHA256()
        let copied: Int64
        do {
            copied = try await Self.copy(from: FilePath(path), to: temporary, chunkLength: self.chunkLength, limit: nil)
            { chunk in
                chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
            }
        } catch let failure as CopyFailure {
            await Self.removeQuietly(temporary)
            throw failure.isSource
                ? StorageError.localFile("cannot read the file to store: \(LocalFiles.describe(failure.underlying))")
                : StorageError.unavailable(
                    "cannot write to the storage directory: \(LocalFiles.describe(failure.underlying))")
        } catch {
            await Self.removeQuietly(temporary)
            throw .unavailable("cannot write to the storage directory: \(LocalFiles.describe(error))")
        }
        let etag = SigV4Signer.hex(hasher.finalize())
        try await self.commit(
            key, temporary: temporary, metadata: LocalObjectMetadata(contentType: contentType, etag: etag))
        return StoredObject(key: key, bytes: copied, contentType: contentType, etag: etag)
    }

    public func put(_ key: StorageKey, bytes: ByteBuffer, contentType: String) async throws(StorageError)
        -> StoredObject
    {
        try ContentType.check(contentType)
        let temporary = try await self.prepareTemporary()
        do {
            try await Self.write(bytes, to: temporary)
        } catch {
            await Self.removeQuietly(temporary)
            throw .unavailable("cannot write to the storage directory: \(LocalFiles.describe(error))")
        }
        let etag = SigV4Signer.sha256Hex(bytes.readableBytesView)
        try await self.commit(
            key, temporary: temporary, metadata: LocalObjectMetadata(contentType: contentType, etag: etag))
        return StoredObject(key: key, bytes: Int64(bytes.readableBytes), contentType: contentType, etag: etag)
    }

    public func get(_ key: StorageKey, toFileAt path: String, maxBytes: Int) async throws(StorageError) -> ObjectInfo {
        let destination = FilePath(path)
        let info: ObjectInfo?
        do {
            info = try await self.head(key)
        } catch {
            await Self.removeQuietly(destination)
            throw error
        }
        guard let info else {
            await Self.removeQuietly(destination)
            throw .notFound(operation: "GET")
        }
        guard info.bytes <= Int64(maxBytes) else {
            await Self.removeQuietly(destination)
            throw .tooLarge(limit: maxBytes, size: info.bytes)
        }
        do {
            let copied = try await Self.copy(
                from: self.objectPath(key), to: destination, chunkLength: self.chunkLength, limit: Int64(maxBytes),
                replaceExisting: true, observe: { _ in })
            return ObjectInfo(key: key, bytes: copied, contentType: info.contentType, etag: info.etag)
        } catch let failure as CopyFailure {
            await Self.removeQuietly(destination)
            if failure.tooLarge { throw .tooLarge(limit: maxBytes, size: nil) }
            if failure.isSource, (failure.underlying as? FileSystemError)?.code == .notFound {
                throw .notFound(operation: "GET")
            }
            throw failure.isSource
                ? StorageError.unavailable("cannot read the stored object: \(LocalFiles.describe(failure.underlying))")
                : StorageError.localFile("cannot write the download: \(LocalFiles.describe(failure.underlying))")
        } catch {
            await Self.removeQuietly(destination)
            throw .localFile("cannot write the download: \(LocalFiles.describe(error))")
        }
    }

    public func head(_ key: StorageKey) async throws(StorageError) -> ObjectInfo? {
        let info: FileInfo?
        do {
            info = try await FileSystem.shared.info(forFileAt: self.objectPath(key), infoAboutSymbolicLink: true)
        } catch let error as FileSystemError where Self.isAbsent(error) {
            return nil
        } catch {
            throw .unavailable("cannot read the storage directory: \(LocalFiles.describe(error))")
        }
        guard let info, info.type == .regular else { return nil }
        let metadata = await self.readMetadata(key)
        return ObjectInfo(key: key, bytes: info.size, contentType: metadata?.contentType, etag: metadata?.etag)
    }

    public func delete(_ key: StorageKey) async throws(StorageError) {
        for path in [self.objectPath(key), self.metadataPath(key)] {
            do {
                if let info = try await FileSystem.shared.info(forFileAt: path, infoAboutSymbolicLink: true),
                    info.type == .directory
                {
                    continue  // a "directory" key prefix, not an object
                }
                try await FileSystem.shared.removeItem(at: path, strategy: .platformDefault, recursively: false)
            } catch let error as FileSystemError where Self.isAbsent(error) {
                continue
            } catch {
                throw .unavailable("cannot delete from the storage directory: \(LocalFiles.describe(error))")
            }
        }
    }

    // MARK: Writing

    /// Creates `DIR/tmp/` and returns a fresh path in it.
    private func prepareTemporary() async throws(StorageError) -> FilePath {
        do {
            try await FileSystem.shared.createDirectory(
                at: FilePath("\(self.directory)/tmp"), withIntermediateDirectories: true, permissions: nil)
        } catch {
            throw .unavailable("cannot create the storage directory: \(LocalFiles.describe(error))")
        }
        return self.temporaryPath()
    }

    /// Writes the metadata, then renames the temporary object into place.
    private func commit(_ key: StorageKey, temporary: FilePath, metadata: LocalObjectMetadata)
        async throws(StorageError)
    {
        let objectPath = self.objectPath(key)
        let metadataPath = self.metadataPath(key)
        let metadataTemporary = self.temporaryPath()
        do {
            for path in [objectPath, metadataPath] {
                if let parent = Optional(path.removingLastComponent()) {
                    try await FileSystem.shared.createDirectory(
                        at: parent, withIntermediateDirectories: true, permissions: nil)
                }
            }
            if let existing = try await FileSystem.shared.info(forFileAt: objectPath, infoAboutSymbolicLink: true),
                existing.type == .directory
            {
                throw KeyConflict()
            }
            try await Self.write(ByteBuffer(string: metadata.encoded), to: metadataTemporary)
            try await Self.rename(metadataTemporary, to: metadataPath)
            try await Self.rename(temporary, to: objectPath)
        } catch {
            await Self.removeQuietly(temporary)
            await Self.removeQuietly(metadataTemporary)
            if error is KeyConflict || (error as? FileSystemError)?.code == .fileAlreadyExists
                || (error as? FileSystemError)?.code == .invalidArgument || (error as? RenameFailure)?.errno == ENOTDIR
                || (error as? RenameFailure)?.errno == EISDIR
            {
                throw .refused(
                    status: 409, serverCode: "KeyConflict",
                    "the key or one of its prefixes is used as both an object and a folder",
                    operation: "PUT")
            }
            throw .unavailable("cannot write to the storage directory: \(LocalFiles.describe(error))")
        }
    }

    private struct KeyConflict: Error {}

    /// `rename(2)` failed with `errno`.
    private struct RenameFailure: Error {
        let errno: Int32
    }

    /// `rename(2)` on NIO's thread pool: atomic replacement of `destination`.
    private static func rename(_ source: FilePath, to destination: FilePath) async throws {
        let from = source.string
        let to = destination.string
        try await NIOThreadPool.singleton.runIfActive {
            #if canImport(Glibc) || canImport(Musl)
                let result = Glibc.rename(from, to)
            #else
                let result = Darwin.rename(from, to)
            #endif
            if result != 0 { throw RenameFailure(errno: errno) }
        }
    }

    /// Writes `bytes` to a new file at `path`.
    private static func write(_ bytes: ByteBuffer, to path: FilePath) async throws {
        try await FileSystem.shared.withFileHandle(forWritingAt: path, options: .newFile(replaceExisting: true)) {
            handle in
            _ = try await handle.write(contentsOf: bytes.readableBytesView, toAbsoluteOffset: 0)
        }
    }

    /// A failed copy: which side failed, or whether the source went past the limit.
    private struct CopyFailure: Error {
        let isSource: Bool
        let tooLarge: Bool
        let underlying: any Error
    }

    /// Copies `source` to a new file `destination` in chunks; returns the byte count.
    private static func copy(
        from source: FilePath, to destination: FilePath, chunkLength: ByteCount, limit: Int64?,
        replaceExisting: Bool = false, observe: (ByteBuffer) -> Void
    ) async throws -> Int64 {
        // Both handles are scoped (`withFileHandle`): they are closed even when the task is
        // cancelled (a handle dropped unclosed is a fatal error in NIOFileSystem).
        do {
            return try await FileSystem.shared.withFileHandle(forReadingAt: source, options: .init()) { reader in
                do {
                    return try await FileSystem.shared.withFileHandle(
                        forWritingAt: destination, options: .newFile(replaceExisting: replaceExisting)
                    ) { writer in
                        var offset: Int64 = 0
                        var chunks = reader.readChunks(chunkLength: chunkLength).makeAsyncIterator()
                        while true {
                            let chunk: ByteBuffer?
                            do {
                                chunk = try await chunks.next()
                            } catch {
                                throw CopyFailure(isSource: true, tooLarge: false, underlying: error)
                            }
                            guard let chunk else { break }
                            if let limit, offset + Int64(chunk.readableBytes) > limit {
                                throw CopyFailure(isSource: true, tooLarge: true, underlying: StorageError.tooLarge)
                            }
                            observe(chunk)
                            do {
                                try await writer.write(contentsOf: chunk.readableBytesView, toAbsoluteOffset: offset)
                            } catch {
                                throw CopyFailure(isSource: false, tooLarge: false, underlying: error)
                            }
                            offset += Int64(chunk.readableBytes)
                        }
                        return offset
                    }
                } catch let failure as CopyFailure {
                    throw failure
                } catch {
                    throw CopyFailure(isSource: false, tooLarge: false, underlying: error)
                }
            }
        } catch let failure as CopyFailure {
            throw failure
        } catch {
            // Opening (or closing) the source failed.
            throw CopyFailure(isSource: true, tooLarge: false, underlying: error)
        }
    }

    /// Reads the metadata of `key`; `nil` when missing or unreadable.
    private func readMetadata(_ key: StorageKey) async -> LocalObjectMetadata? {
        do {
            let buffer = try await ByteBuffer(contentsOf: self.metadataPath(key), maximumSizeAllowed: .kibibytes(4))
            return LocalObjectMetadata(decoding: String(buffer: buffer))
        } catch {
            return nil
        }
    }

    /// Whether `error` means "no such object": not found, or `ENOTDIR` (a parent "directory"
    /// of the key is an object, so the key cannot exist).
    private static func isAbsent(_ error: FileSystemError) -> Bool {
        if error.code == .notFound { return true }
        if let cause = error.cause as? FileSystemError.SystemCallError { return cause.errno == .notDirectory }
        return false
    }

    private static func removeQuietly(_ path: FilePath) async {
        _ = try? await FileSystem.shared.removeItem(at: path, strategy: .platformDefault, recursively: false)
    }
}
