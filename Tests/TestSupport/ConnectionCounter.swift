import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A TCP listener on 127.0.0.1 that only counts the connections it accepts: the internal
/// "target" an SSRF attempt must never reach.
public final class ConnectionCounter: Sendable {
    public let port: Int
    private let accepted: NIOLockedValueBox<Int>

    /// Connections accepted so far.
    public var connections: Int { self.accepted.withLockedValue { $0 } }

    private init(port: Int, accepted: NIOLockedValueBox<Int>) {
        self.port = port
        self.accepted = accepted
    }

    /// A counter for the duration of `body`.
    public static func with<T>(_ body: (ConnectionCounter) async throws -> T) async throws -> T {
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
