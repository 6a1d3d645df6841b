import Foundation
import NIOConcurrencyHelpers

/// A secret in a file (`NAME_FILE`, the Kubernetes mounted-secret convention), re-read when the
/// file changes: every ``value()`` compares the file's inode, size and modification time (one
/// `stat`, following the `..data` symlink Kubernetes swaps on update) with the last read.
/// One trailing newline is removed. Thread-safe.
public final class FileSecret: Sendable {
    /// The file's path (not secret).
    public let path: String
    private struct Cached: Sendable {
        var inode: UInt64
        var size: Int64
        var modified: Int64
        var value: String
    }
    private let cache = NIOLockedValueBox<Cached?>(nil)

    public init(path: String) {
        self.path = path
    }

    /// The current contents.
    public func value() throws(SecretError) -> String {
        var info = stat()
        guard stat(self.path, &info) == 0 else {
            throw .file("cannot read \(self.path): \(String(cString: strerror(errno)))")
        }
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        let stamp = (UInt64(info.st_ino), Int64(info.st_size), modified)
        if let cached = self.cache.withLockedValue({ $0 }), (cached.inode, cached.size, cached.modified) == stamp {
            return cached.value
        }
        guard let data = FileManager.default.contents(atPath: self.path) else {
            throw .file("cannot read \(self.path)")
        }
        guard data.count <= 1 << 20 else { throw .file("\(self.path) is over 1 MiB; not a secret file") }
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\r\n") { text.removeLast(1) } else if text.hasSuffix("\n") { text.removeLast() }
        self.cache.withLockedValue { $0 = Cached(inode: stamp.0, size: stamp.1, modified: stamp.2, value: text) }
        return text
    }
}
