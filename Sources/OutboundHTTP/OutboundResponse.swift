import NIOCore
import NIOHTTP1

/// A whole response: status, headers and the body (bounded by the client's cap).
public struct OutboundResponse: Sendable {
    /// The HTTP status code.
    public let status: Int
    /// Response headers.
    public let headers: HTTPHeaders
    /// The body bytes.
    public let body: ByteBuffer

    /// Creates a response.
    public init(status: Int, headers: HTTPHeaders, body: ByteBuffer) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as UTF-8 text.
    public var text: String { String(buffer: self.body) }

    /// The body as bytes.
    public var bytes: [UInt8] { Array(self.body.readableBytesView) }

    /// `true` for 2xx.
    public var isSuccess: Bool { (200..<300).contains(self.status) }
}
