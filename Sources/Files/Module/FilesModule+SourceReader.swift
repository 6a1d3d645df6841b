import Foundation
import OutboundHTTP
import ServiceModule
import SettingsModel
import Storage

extension FilesModule {
    /// A reader of job sources (storage keys and URLs) configured by the file settings
    /// (`STORAGE_URL`, `FILES_ALLOW_PRIVATE_ADDRESSES`, `FILES_FETCH_TIMEOUT`), for other modules
    /// that read uploads. `nil` when those settings are invalid (``FilesModule`` reports why).
    public static func sourceReader(_ context: ModuleContext) -> FileSourceReader? {
        let values = context.values
        guard let url = try? Self.storageURL(context) else { return nil }
        let allowPrivate = values.raw(FilesSettings.allowPrivateAddresses.name).map { ["1", "true", "yes", "on"].contains($0.lowercased()) } ?? false
        guard let client = try? PinnedFetch(sharing: context.http, logger: context.logger) else { return nil }
        guard let workDirectory = try? Self.workDirectory(context) else { return nil }
        var reader = FileSourceReader(
            storage: url.makeStorage(http: context.http, logger: context.logger),
            fetcher: SafeFetcher(
                configuration: .init(allowPrivateAddresses: allowPrivate, allowPlainHTTP: allowPrivate), client: client,
                logger: context.logger),
            workDirectory: workDirectory)
        if let seconds = values.raw(FilesSettings.fetchTimeout.name).flatMap({ Int($0) }), seconds > 0 {
            reader.fetchTimeout = .seconds(seconds)
        }
        return reader
    }

    /// `STORAGE_URL` (with the key settings), or local storage under the data directory.
    static func storageURL(_ context: ModuleContext) throws(StorageError) -> StorageURL {
        let values = context.values
        let dataDirectory = context.dataDirectory.hasPrefix("/")
            ? context.dataDirectory : FileManager.default.currentDirectoryPath + "/" + context.dataDirectory
        return try StorageURL(
            parsing: values.raw(FilesSettings.storageURL.name) ?? "file://\(dataDirectory)/storage",
            accessKeyId: values.raw(FilesSettings.storageAccessKeyID.name),
            secretAccessKey: values.raw(FilesSettings.storageSecretAccessKey.name))
    }

    /// The private directory sources are read into (created, mode 700).
    static func workDirectory(_ context: ModuleContext) throws -> String {
        let workDirectory = context.dataDirectory + "/tmp/files"
        try FileManager.default.createDirectory(
            atPath: workDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return workDirectory
    }
}
