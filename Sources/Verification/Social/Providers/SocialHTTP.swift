import Foundation
import NIOHTTP1
import OutboundHTTP

/// The provider clients' access to the shared ``OutboundHTTPClient``: a deadline and a body cap
/// per call, and transport failures turned into ``SocialAPIError``s.
struct SocialHTTP: Sendable {
    let http: OutboundHTTPClient
    /// Deadline of one call.
    var timeout: Duration = .seconds(10)
    /// Largest answer read (a GraphQL answer for 50 users is well under 200 kB).
    var maximumResponseBytes = 1 << 20
    /// The wall clock, for `x-ratelimit-reset`.
    var now: @Sendable () -> Date = { Date() }

    /// The identifying `User-Agent` (GitHub refuses requests without one).
    static let userAgent = "blueprint-worker"

    /// Sends `request`; a refused connection, timeout or cancellation is `unavailable`, an
    /// oversized answer a bad response.
    func send(_ request: OutboundRequest, provider: SocialProvider) async throws(SocialAPIError) -> OutboundResponse {
        var request = request
        request.timeout = request.timeout ?? self.timeout
        request.maximumResponseBytes = request.maximumResponseBytes ?? self.maximumResponseBytes
        do {
            return try await self.http.execute(request)
        } catch let error where error == .responseTooLarge {
            throw .badResponse(provider, "answer larger than \(request.maximumResponseBytes ?? 0) bytes")
        } catch {
            throw .unavailable(provider, error.message)
        }
    }

    /// Sends `request` and classifies the answer's status (``SocialResponseStatus``).
    func lookup(
        _ request: OutboundRequest, provider: SocialProvider, userToken: Bool, credentialSetting: String,
        parse: ([UInt8]) throws(SocialAPIError) -> SocialLookup
    ) async throws(SocialAPIError) -> SocialLookup {
        let response = try await self.send(request, provider: provider)
        switch try SocialResponseStatus.classify(
            status: response.status, headers: response.headers, provider: provider, userToken: userToken,
            credentialSetting: credentialSetting, now: self.now())
        {
        case .answer(let lookup): return lookup
        case .success: return try parse(response.bytes)
        }
    }

    /// `base` without trailing slashes.
    static func trimmed(_ base: String) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }
}
