import Crypto
import Foundation

/// The SHA-256 and size of a file, read in chunks (the file is never held in memory whole).
public struct FileDigest: Sendable, Hashable {
    /// Lowercase hex.
    public let sha256: String
    public let bytes: Int64

    /// Reads the file at `path` once.
    public init(fileAt path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var total: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 18), !chunk.isEmpty {
            hasher.update(data: chunk)
            total += Int64(chunk.count)
        }
        self.sha256 = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        self.bytes = total
    }
}
