import Hummingbird
import Logging
import ServiceLifecycle

/// Failure to start a fake HTTP server.
public struct FakeHTTPServerDidNotStart: Error {}

/// Runs `router` as a Hummingbird app on 127.0.0.1 (a free port, learnt from `onServerRunning`:
/// no polling, no sleep) while `body` runs, then shuts it down gracefully. The fakes of the
/// third-party APIs (SMS providers, Vault, webhooks) are built on it.
public func withFakeHTTPServer<Context: RequestContext, Value>(
    _ router: Router<Context>, _ body: (_ port: Int) async throws -> Value
) async throws -> Value where Context.Source == ApplicationRequestContextSource {
    let logger = Logger(label: "fake-http", factory: { _ in SwiftLogNoOpLogHandler() })
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
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
            throw FakeHTTPServerDidNotStart()
        }
        let result: Result<Value, any Error>
        do {
            result = .success(try await body(port))
        } catch {
            result = .failure(error)
        }
        await services.triggerGracefulShutdown()
        try await group.waitForAll()
        return try result.get()
    }
}
