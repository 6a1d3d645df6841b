import NIOCore
import NIOHTTP1

/// One outbound call: method, absolute URL, headers and an optional body.
public struct OutboundRequest: Sendable {
    /// `GET`, `POST`, ...
    public var method: HTTPMethod
    /// Absolute `http` or `https` URL.
    public var url: String
    /// Request headers.
    public var headers: HTTPHeaders
    /// Request body, if any.
    public var body: ByteBuffer?
    /// Deadline of the whole call (connect + response); the client's default when `nil`.
    public var timeout: Duration?
    /// Body cap of this call; the client's default when `nil`.
    public var maximumResponseBytes: Int?

    /// Creates a request.
    public init(
        method: HTTPMethod = .GET, url: String, headers: HTTPHeaders = [:], body: ByteBuffer? = nil,
        timeout: Duration? = nil, maximumResponseBytes: Int? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.maximumResponseBytes = maximumResponseBytes
    }

    /// A request with a UTF-8 body.
    public init(method: HTTPMethod, url: String, headers: HTTPHeaders = [:], text: String, timeout: Duration? = nil) {
        self.init(method: method, url: url, headers: headers, body: ByteBuffer(string: text), timeout: timeout)
    }

    /// The host part of the URL, for messages (never the path or query, which may hold tokens).
    public var host: String {
        guard let schemeEnd = self.url.range(of: "://") else { return "?" }
        let rest = self.url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return String(authority.split(separator: "@").last ?? authority)
    }
}
