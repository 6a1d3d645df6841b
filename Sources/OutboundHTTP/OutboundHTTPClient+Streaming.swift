import AsyncHTTPClient
import NIOCore

/// Calls whose bodies are too large to hold in memory: a request body produced in chunks (read
/// from a file) and a response body handed over chunk by chunk with a byte cap.
extension OutboundHTTPClient {
    /// Sends `request` with a body read from `chunks` (exactly `length` bytes, sent as
    /// `Content-Length`) and reads the whole response (up to the body cap) within the deadline.
    ///
    /// `request.body` is ignored. A failure of `chunks` (a file that cannot be read) throws
    /// ``OutboundHTTPError/callerStream``; fewer or more bytes than `length` fail the call.
    /// The sequence is iterated once: AsyncHTTPClient does not retry a streamed body.
    public func execute<Chunks: AsyncSequence & Sendable>(
        _ request: OutboundRequest, streamingBody chunks: Chunks, length: Int64
    ) async throws(OutboundHTTPError) -> OutboundResponse where Chunks.Element == ByteBuffer {
        guard request.url.hasPrefix("http://") || request.url.hasPrefix("https://") else {
            throw .invalidURL(request.url)
        }
        let timeout = request.timeout ?? self.configuration.requestTimeout
        let limit = request.maximumResponseBytes ?? self.configuration.maximumResponseBytes
        var outbound = HTTPClientRequest(url: request.url)
        outbound.method = request.method
        outbound.headers = request.headers
        outbound.body = .stream(MarkedChunks(base: chunks), length: .known(length))
        let prepared = outbound
        return try await self.withDeadline(host: request.host, timeout: timeout, limit: limit) {
            let response = try await self.client.execute(prepared, timeout: TimeAmount(timeout), logger: self.logger)
            let body = try await response.body.collect(upTo: limit)
            return OutboundResponse(status: Int(response.status.code), headers: response.headers, body: body)
        }
    }

    /// Sends `request` and, when the status is 2xx, hands the body to `consumer` chunk by chunk
    /// (never holding it whole), failing with ``OutboundHTTPError/responseTooLarge`` past
    /// `maximumBytes` (checked against `Content-Length` first, then while reading).
    ///
    /// The returned response has an empty body for 2xx; any other status has its body collected
    /// as usual (up to the call's cap), so callers can read an error document. A failure of
    /// `consumer` (a file that cannot be written) throws ``OutboundHTTPError/callerStream``.
    /// The deadline covers the whole body.
    public func execute(
        _ request: OutboundRequest, streamingResponseUpTo maximumBytes: Int,
        into consumer: @escaping @Sendable (ByteBuffer) async throws -> Void
    ) async throws(OutboundHTTPError) -> OutboundResponse {
        guard request.url.hasPrefix("http://") || request.url.hasPrefix("https://") else {
            throw .invalidURL(request.url)
        }
        let timeout = request.timeout ?? self.configuration.requestTimeout
        let errorLimit = request.maximumResponseBytes ?? self.configuration.maximumResponseBytes
        var outbound = HTTPClientRequest(url: request.url)
        outbound.method = request.method
        outbound.headers = request.headers
        if let body = request.body {
            outbound.body = .bytes(body)
        }
        let prepared = outbound
        return try await self.withDeadline(host: request.host, timeout: timeout, limit: maximumBytes) {
            let response = try await self.client.execute(prepared, timeout: TimeAmount(timeout), logger: self.logger)
            let status = Int(response.status.code)
            guard (200..<300).contains(status) else {
                let body = try await response.body.collect(upTo: errorLimit)
                return OutboundResponse(status: status, headers: response.headers, body: body)
            }
            if let declared = response.headers.first(name: "content-length").flatMap(Int.init), declared > maximumBytes
            {
                throw BodyTooLarge()
            }
            var received = 0
            for try await chunk in response.body {
                received += chunk.readableBytes
                guard received <= maximumBytes else { throw BodyTooLarge() }
                do {
                    try await consumer(chunk)
                } catch {
                    throw CallerStreamFailure(underlying: error)
                }
            }
            return OutboundResponse(status: status, headers: response.headers, body: ByteBuffer())
        }
    }
}
