#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The size of a regular file, checked against the byte limit before libvips opens it.
enum FileProbe {
    /// The file's size in bytes; refuses what is missing, not a regular file, empty or too large.
    static func checkedSize(of path: String, maxBytes: Int) throws(ImagingError) -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = errno == ENOENT ? "no such file" : "error \(errno)"
            throw .unreadable(reason)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw .unreadable("not a regular file")
        }
        let size = Int(info.st_size)
        if size == 0 {
            throw .notAnImage("the file is empty")
        }
        if size > maxBytes {
            throw .tooLarge(bytes: size, limit: maxBytes)
        }
        return size
    }
}
