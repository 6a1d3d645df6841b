import Foundation

/// One HTTP request to a provider API.
public struct HTTPRequestSpec: Sendable {
    public var method: String
    public var url: URL
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(method: String, url: URL, headers: [(String, String)], body: [UInt8]) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A provider's answer.
public struct HTTPResponseData: Sendable {
    public let status: Int
    public let headers: [(String, String)]
    public let body: [UInt8]

    /// First value of `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        self.headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// Sends HTTP requests; the seam between provider request shapes and the network.
public protocol HTTPTransport: Sendable {
    /// Sends `request`; throws on connection failures and timeouts (an HTTP error status is a response).
    func execute(_ request: HTTPRequestSpec, timeout: Duration) async throws -> HTTPResponseData
}
