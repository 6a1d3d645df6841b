import Logging
import OutboundHTTP

/// Runs `body` with an ``OutboundHTTPClient`` (logging nothing) that is shut down afterwards.
public func withOutboundHTTP<Value>(
    _ configure: (inout OutboundHTTPConfiguration) -> Void = { _ in },
    _ body: (OutboundHTTPClient) async throws -> Value
) async throws -> Value {
    var configuration = OutboundHTTPConfiguration()
    configure(&configuration)
    let client = OutboundHTTPClient(
        configuration: configuration, logger: Logger(label: "test-http", factory: { _ in SwiftLogNoOpLogHandler() }))
    let result: Result<Value, any Error>
    do { result = .success(try await body(client)) } catch { result = .failure(error) }
    try await client.shutdown()
    return try result.get()
}
