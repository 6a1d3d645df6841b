import Files
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import TestSupport

/// Runs `router` as a Hummingbird app on `host` (a free port; TLS when `tls` is given) while
/// `body` runs. Like TestSupport's `withFakeHTTPServer`, plus the bind address and TLS the fetch
/// tests need.
func withIntakeServer<Value>(
    _ router: Router<BasicRequestContext>, host: String = "127.0.0.1", tls: TLSConfiguration? = nil,
    _ body: (_ port: Int) async throws -> Value
) async throws -> Value {
    let logger = Logger(label: "intake-http", factory: { _ in SwiftLogNoOpLogHandler() })
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
            throw TestFailure("the intake test server did not start")
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

/// A TCP listener on 127.0.0.1 that only counts the connections it accepts: the internal
/// "target" an SSRF attempt must never reach.
final class ConnectionCounter: Sendable {
    let port: Int
    private let accepted: NIOLockedValueBox<Int>

    var connections: Int { self.accepted.withLockedValue { $0 } }

    private init(port: Int, accepted: NIOLockedValueBox<Int>) {
        self.port = port
        self.accepted = accepted
    }

    static func with<T>(_ body: (ConnectionCounter) async throws -> T) async throws -> T {
        let accepted = NIOLockedValueBox(0)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                accepted.withLockedValue { $0 += 1 }
                return channel.close()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let counter = ConnectionCounter(port: channel.localAddress!.port!, accepted: accepted)
        return try await withCleanup {
            try await body(counter)
        } cleanup: {
            try? await channel.close()
        }
    }
}

/// Answers chosen addresses for chosen names (no DNS server here); other names do not resolve.
struct StaticResolver: HostResolver {
    let answers: [String: [IPAddress]]

    func resolve(_ name: String) async throws(FetchError) -> [IPAddress] {
        guard let addresses = self.answers[name], !addresses.isEmpty else { throw FetchError.resolutionFailed }
        return addresses
    }
}

/// A TCP listener that answers every connection with fixed bytes, then closes: malformed or
/// truncated HTTP responses that no HTTP server library would produce.
enum RawResponder {
    static func with<T>(host: String, reply: [UInt8], _ body: (_ port: Int) async throws -> T) async throws -> T {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ReplyHandler(reply: reply))
                }
            }
            .bind(host: host, port: 0).get()
        let port = channel.localAddress!.port!
        return try await withCleanup {
            try await body(port)
        } cleanup: {
            try? await channel.close()
        }
    }

    /// Waits for the request head, then writes the reply and closes.
    private final class ReplyHandler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let reply: [UInt8]
        var answered = false

        init(reply: [UInt8]) { self.reply = reply }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !self.answered else { return }
            self.answered = true
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(bytes: self.reply))).whenComplete { _ in
                bound.value.close(promise: nil)
            }
        }
    }
}
