/// Everything ``S3Storage`` needs: endpoint, bucket, region, addressing style, credentials and
/// the multipart sizes. Its descriptions never show the secret.
public struct S3Configuration: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The service's endpoint (`http://127.0.0.1:8333`, `https://ACCOUNT.r2.cloudflarestorage.com`).
    public var endpoint: S3Endpoint
    /// The bucket.
    public var bucket: String
    /// The signing region (`us-east-1`; `auto` for Cloudflare R2).
    public var region: String
    /// `true`: `endpoint/bucket/key`; `false`: `bucket.endpoint/key` (virtual-hosted style).
    public var pathStyle: Bool
    /// The key pair.
    public var credentials: SigV4Credentials
    /// Files larger than this go up in parts (S3 needs parts of at least 5 MiB but the last).
    public var multipartThreshold: Int = 8 << 20
    /// The size of each part but the last (at least 5 MiB).
    public var partSize: Int = 8 << 20
    /// Deadline of a call without a large body (HEAD, DELETE, small PUT, multipart bookkeeping).
    public var requestTimeout: Duration = .seconds(30)
    /// Deadline of a call carrying a file or a part, or a download.
    public var transferTimeout: Duration = .seconds(600)

    /// Creates a configuration; `bucket` is checked by ``StorageURL`` when parsed from a URL.
    public init(endpoint: S3Endpoint, bucket: String, region: String, pathStyle: Bool, credentials: SigV4Credentials) {
        self.endpoint = endpoint
        self.bucket = bucket
        self.region = region
        self.pathStyle = pathStyle
        self.credentials = credentials
    }

    /// The smallest part S3 accepts (but for the last).
    public static let minimumPartSize = 5 << 20

    /// Where `key` lives: the URL to send (path encoded once), the `Host` header and the
    /// unencoded path to sign. `key == nil` addresses the bucket itself.
    func location(of key: StorageKey?, query: [(name: String, value: String)] = []) -> (
        url: String, host: String, path: String
    ) {
        let objectPath = key.map { "/" + $0.rawValue } ?? "/"
        let host: String
        let path: String
        if self.pathStyle {
            host = self.endpoint.hostHeader
            path = "/" + self.bucket + (key == nil ? "" : objectPath)
        } else {
            host = self.bucket + "." + self.endpoint.hostHeader
            path = objectPath
        }
        var url = "\(self.endpoint.scheme)://\(host)\(SigV4URIEncoding.encode(path, keepSlash: true))"
        if !query.isEmpty { url += "?" + SigV4URIEncoding.canonicalQuery(query) }
        return (url, host, path)
    }

    public var description: String {
        "S3Configuration(\(self.endpoint), bucket: \(self.bucket), region: \(self.region), "
            + "\(self.pathStyle ? "path" : "virtual-host") style, access key \(self.credentials.accessKeyId), secret: <redacted>)"
    }

    public var debugDescription: String { self.description }
}
