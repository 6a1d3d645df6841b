import NIOFileSystem

/// Small file-system helpers shared by the backends.
enum LocalFiles {
    /// The size of the regular file at `path`.
    static func size(ofFileAt path: String) async throws(StorageError) -> Int64 {
        let info: FileInfo?
        do {
            info = try await FileSystem.shared.info(forFileAt: FilePath(path), infoAboutSymbolicLink: false)
        } catch {
            throw .localFile("cannot read the file to upload: \(describe(error))")
        }
        guard let info else { throw .localFile("the file to upload does not exist") }
        guard info.type == .regular else { throw .localFile("the file to upload is not a regular file") }
        return info.size
    }

    /// A file-system error in one line without the path (paths may hold a user's file name).
    static func describe(_ error: any Error) -> String {
        if let error = error as? FileSystemError { return "\(error.code)" }
        return "\(type(of: error))"
    }
}
