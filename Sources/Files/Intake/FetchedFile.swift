/// A file fetched to disk by ``SafeFetcher``.
public struct FetchedFile: Sendable, Hashable {
    /// Where the body was written.
    public let path: String
    /// Bytes written (the whole body).
    public let byteCount: Int
    /// The `Content-Type` the server declared, if any (to be checked against the bytes by
    /// ``FileSniffer``, never trusted).
    public let declaredContentType: String?
    /// Scheme, host and port of the URL finally fetched (after redirects; no path or query).
    public let finalOrigin: String
    /// How many redirects were followed.
    public let redirects: Int

    public init(path: String, byteCount: Int, declaredContentType: String?, finalOrigin: String, redirects: Int) {
        self.path = path
        self.byteCount = byteCount
        self.declaredContentType = declaredContentType
        self.finalOrigin = finalOrigin
        self.redirects = redirects
    }
}
