import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle

/// Runs `router` as a Hummingbird app on `host` (a free port; TLS when `tls` is given) while
/// `body` runs: the https origin of URL sources in the fetch and file-job tests. Like
/// ``withFakeHTTPServer``, plus the bind address (127.0.0.2 for "one allowed internal origin") and TLS.
public func withOriginServer<Value>(
    _ router: Router<BasicRequestContext>, host: String = "127.0.0.1", tls: TLSConfiguration? = nil,
    _ body: (_ port: Int) async throws -> Value
) async throws -> Value {
    let logger = Logger(label: "origin-http", factory: { _ in SwiftLogNoOpLogHandler() })
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let server: HTTPServerBuilder = try tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1()
    let app = Application(
        router: router, server: server, configuration: .init(address: .hostname(host, port: 0)),
        onServerRunning: { channel in
            portContinuation.yield(channel.localAddress?.port ?? 0)
            portContinuation.finish()
        },
        logger: logger)
    let services = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { portContinuation.finish() }
            try await services.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            throw TestFailure("the origin test server did not start")
        }
        let result: Result<Value, any Error>
        do {
            result = .success(try await body(port))
        } catch {
            result = .failure(error)
        }
        await services.triggerGracefulShutdown()
        group.cancelAll()
        try? await group.waitForAll()
        return try result.get()
    }
}
