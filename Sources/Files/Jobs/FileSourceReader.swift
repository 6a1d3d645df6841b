import Foundation
import JobEngine
import Storage

/// Reads a job's `source` (a storage key, or a URL through the SSRF-safe ``SafeFetcher``) into a
/// private temporary file for the length of a body, then removes it. Shared by the file jobs and
/// by other services that read uploads (`review_document`).
public struct FileSourceReader: Sendable {
    public let storage: any ObjectStorage
    public let fetcher: SafeFetcher
    /// Where sources are read to (private to the worker).
    public let workDirectory: String
    public var fetchTimeout: Duration = .seconds(60)

    public init(storage: any ObjectStorage, fetcher: SafeFetcher, workDirectory: String) {
        self.storage = storage
        self.fetcher = fetcher
        self.workDirectory = workDirectory
    }

    /// Reads `source` (at most `maxBytes`) into a temporary file, runs `body` with its path and
    /// digest, and removes the file whatever happens.
    ///
    /// - Throws: ``JobError``s: permanent for a bad key, a missing object, a refused URL or a
    ///   file over the cap; transient for an unreachable storage (a `storage` dependency failure)
    ///   or a failed fetch; and whatever `body` throws.
    public func withFile<Result: Sendable>(
        _ source: FileSource, maxBytes: Int, name: String, _ body: (String, FileDigest) async throws -> Result
    ) async throws -> Result {
        let path = self.workDirectory + "/" + Self.fileName(name)
        defer { try? FileManager.default.removeItem(atPath: path) }
        switch source {
        case .storage(let key):
            do { _ = try await self.storage.get(key, toFileAt: path, maxBytes: maxBytes) } catch {
                throw Self.jobError(error)
            }
        case .url(let url):
            do { _ = try await self.fetcher.fetch(url, toFileAt: path, maxBytes: maxBytes, timeout: self.fetchTimeout) } catch {
                throw Self.jobError(error)
            }
        }
        let digest: FileDigest
        do { digest = try FileDigest(fileAt: path) } catch {
            throw JobError.transient("cannot read the fetched file: \(error.localizedDescription)")
        }
        return try await body(path, digest)
    }

    /// A file name unique to this read: `name` (a job id) made safe, and a random suffix.
    static func fileName(_ name: String) -> String {
        let safe = name.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) || $0 == "-" ? Character($0) : "_" }
        return "\(String(safe).prefix(80))-\(UInt64.random(in: 0...UInt64.max))"
    }

    static func jobError(_ error: StorageError) -> JobError {
        if error.isTransient { return .dependencyFailure(FileProcessingService.storageDependency, "storage: \(error.message)") }
        if error == .notFound { return .permanent("source not found in storage") }
        if error == .tooLarge { return .permanent("the file is larger than max_bytes") }
        return .permanent("storage: \(error.message)")
    }

    static func jobError(_ error: FetchError) -> JobError {
        if error.isTransient { return .transient("fetching the source failed: \(error.message)") }
        return .permanent("source URL refused: \(error.message)")
    }
}
