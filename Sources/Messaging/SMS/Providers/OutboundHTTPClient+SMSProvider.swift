import Foundation
import NIOHTTP1
import OutboundHTTP

extension OutboundHTTPClient {
    /// Largest provider answer read (their JSON answers are a few hundred bytes).
    static let smsProviderResponseLimit = 1 << 20

    /// Sends a provider request; a transport failure (refused, timeout, oversized answer) is
    /// `.unavailable`, so the job is retried and the provider's circuit breaker counts it.
    /// An HTTP error status is a response: the provider classifies it.
    func sendSMSRequest(_ request: OutboundRequest) async throws(SMSProviderError) -> OutboundResponse {
        var request = request
        request.maximumResponseBytes = request.maximumResponseBytes ?? Self.smsProviderResponseLimit
        do {
            return try await self.execute(request)
        } catch {
            throw .unavailable(error.message, retryAfter: nil)
        }
    }
}

extension OutboundResponse {
    /// `Retry-After` in whole seconds, clamped to 1 s ... 1 h (the HTTP-date form is ignored).
    var retryAfter: Duration? {
        self.headers.first(name: "Retry-After").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map {
            .seconds(min(max($0, 1), 3600))
        }
    }
}
