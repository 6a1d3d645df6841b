import NIOFileSystem

extension FileSniffer {
    /// Identifies the file at `path` and checks all of it: ``sniff(prefix:declaredContentType:filename:)``
    /// on its first bytes, then every chunk through ``FileContentInspector`` (read with
    /// NIOFileSystem, never whole in memory).
    public static func inspect(
        fileAt path: String, declaredContentType: String?, filename: String?
    ) async throws(FileIntakeError) -> SniffedType {
        do {
            return try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(path)) { file in
                var inspector: FileContentInspector?
                var prefix: [UInt8] = []
                for try await chunk in file.readChunks(chunkLength: .kibibytes(64)) {
                    if inspector == nil {
                        prefix += chunk.readableBytesView
                        guard prefix.count >= Self.prefixLength else { continue }
                        let type = try Self.sniff(
                            prefix: prefix, declaredContentType: declaredContentType, filename: filename)
                        inspector = FileContentInspector(type: type)
                        try inspector?.feed(prefix)
                    } else {
                        try inspector?.feed(chunk.readableBytesView)
                    }
                }
                if inspector == nil {
                    let type = try Self.sniff(
                        prefix: prefix, declaredContentType: declaredContentType, filename: filename)
                    inspector = FileContentInspector(type: type)
                    try inspector?.feed(prefix)
                }
                try inspector?.finish()
                return inspector!.type
            }
        } catch let error as FileIntakeError {
            throw error
        } catch let error as FileSystemError {
            throw .unreadable("\(error.code)")
        } catch {
            throw .unreadable("read failed")
        }
    }
}
