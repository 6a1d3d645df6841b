import JobEngine
import Storage

/// Where a file job reads its input: a storage key (the main server's upload) or a URL (fetched
/// by ``SafeFetcher``, which accepts `https` only unless a test allows plain `http`).
public enum FileSource: Sendable, Hashable {
    case storage(StorageKey)
    case url(String)

    /// Reads a job's `source` argument: anything with `://` is a URL, the rest a storage key.
    public init(_ text: String) throws(JobError) {
        if text.contains("://") {
            guard text.utf8.count <= 4096 else { throw .permanent("invalid arguments: argument 'source' is too long") }
            self = .url(text)
            return
        }
        do { self = .storage(try StorageKey(validating: text)) } catch {
            throw .permanent("invalid arguments: argument 'source': \(error.message)")
        }
    }
}
