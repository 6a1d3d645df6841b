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

extension FileProbe {
    /// The last `count` bytes of the file (fewer if it is shorter); empty when it cannot be read.
    static func tail(of path: String, count: Int) -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return [] }
        defer { close(descriptor) }
        let size = lseek(descriptor, 0, SEEK_END)
        guard size > 0 else { return [] }
        let start = max(0, Int(size) - count)
        guard lseek(descriptor, off_t(start), SEEK_SET) == off_t(start) else { return [] }
        var buffer = [UInt8](repeating: 0, count: Int(size) - start)
        let read = buffer.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
        return read == buffer.count ? buffer : []
    }
}

#if canImport(Glibc)
    private let systemRead = Glibc.read
#elseif canImport(Darwin)
    private let systemRead = Darwin.read
#endif
