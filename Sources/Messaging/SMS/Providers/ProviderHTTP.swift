import Foundation

/// Shared plumbing of the HTTP providers.
enum ProviderHTTP {
    /// Executes `request`, turning network failures into `.unavailable`.
    static func execute(_ http: any HTTPTransport, _ request: HTTPRequestSpec, timeout: Duration) async throws(SMSProviderError) -> HTTPResponseData {
        do {
            return try await http.execute(request, timeout: timeout)
        } catch {
            throw .unavailable("\(error)", retryAfter: nil)
        }
    }

    /// `Retry-After` in seconds, capped at an hour.
    static func retryAfter(_ response: HTTPResponseData) -> Duration? {
        response.header("Retry-After").flatMap(Int.init).map { .seconds(min(max($0, 1), 3600)) }
    }
}
