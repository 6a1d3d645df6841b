import Foundation

/// Sends HTTP requests; the seam between provider request shapes and the network.
public protocol HTTPTransport: Sendable {
    /// Sends `request`; throws on connection failures and timeouts (an HTTP error status is a response).
    func execute(_ request: HTTPRequestSpec, timeout: Duration) async throws -> HTTPResponseData
}
