import Logging
import OutboundHTTP

extension StorageURL {
    /// The backend this URL names: ``LocalStorage`` or ``S3Storage`` (which sends through `http`).
    public func makeStorage(http: OutboundHTTPClient, logger: Logger) -> any ObjectStorage {
        switch self {
        case .local(let directory): LocalStorage(directory: directory)
        case .s3(let configuration): S3Storage(configuration: configuration, http: http, logger: logger)
        }
    }
}
