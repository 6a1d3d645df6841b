import SettingsModel

/// The settings the file-processing service reads.
enum FilesSettings {
    static let storageURL = Setting(
        "STORAGE_URL", .url, defaultDescription: "`file://` under `var/storage`", secret: true,
        help: "`file:///dir`, or `s3://bucket?endpoint=https://...&region=...` (Cloudflare R2: region `auto`; `path_style=true` for path-style requests). Keys may be given as `s3://KEY_ID:SECRET@bucket?...` or in the next two settings.")
    static let storageAccessKeyID = Setting("STORAGE_ACCESS_KEY_ID", help: "S3 access key id (when not in `STORAGE_URL`).")
    static let storageSecretAccessKey = Setting(
        "STORAGE_SECRET_ACCESS_KEY", secret: true, help: "S3 secret access key (when not in `STORAGE_URL`).")
    static let clamdAddress = Setting(
        "CLAMD_ADDRESS", defaultDescription: "none: file jobs answer \"not configured\" (nothing is stored unscanned)",
        help: "`tcp://host:port` or a unix socket path of clamd.")
    static let maxBytes = Setting(
        "FILES_MAX_BYTES", .integer(1...1_073_741_824), default: "20971520",
        help: "Largest source a file job reads (bytes); a job's `max_bytes` can only lower it.")
    static let fetchTimeout = Setting(
        "FILES_FETCH_TIMEOUT", .integer(1...3600), default: "60", help: "Seconds a URL source may take to download.")
    static let allowPrivateAddresses = Setting(
        "FILES_ALLOW_PRIVATE_ADDRESSES", .boolean, default: "0",
        help: "Tests only: let URL sources reach loopback and private addresses (and plain http). Never in production.")
    static let maxPixels = Setting(
        "IMAGE_MAX_PIXELS", .integer(1...1_000_000_000), default: "100000000",
        help: "Largest image (width x height, read from the header before decoding) `optimize_image` accepts.")
    static let cacheTTL = Setting(
        "FILES_CACHE_TTL", .integer(1...31_536_000), default: "86400",
        help: "Seconds a file's metadata (hash, type, size, keys) is cached, so a repeated upload skips the work.")

    static let groups: [SettingGroup] = [
        SettingGroup(
            "File processing", summary: "Storage, virus scanning and limits of `process_document` and `optimize_image`.",
            settings: [storageURL, storageAccessKeyID, storageSecretAccessKey, clamdAddress, maxBytes, fetchTimeout, allowPrivateAddresses,
                       maxPixels, cacheTTL]),
    ]
}
