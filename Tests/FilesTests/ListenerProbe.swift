import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TestSupport

/// A TCP listener on 127.0.0.1 that only counts the connections it accepts: the internal target an
/// SSRF attempt must never reach.
final class ListenerProbe: Sendable {
    let port: Int
    private let accepted: NIOLockedValueBox<Int>

    var connections: Int { self.accepted.withLockedValue { $0 } }

    private init(port: Int, accepted: NIOLockedValueBox<Int>) {
        self.port = port
        self.accepted = accepted
    }

    static func with<T>(_ body: (ListenerProbe) async throws -> T) async throws -> T {
        let accepted = NIOLockedValueBox(0)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                accepted.withLockedValue { $0 += 1 }
                return channel.close()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let probe = ListenerProbe(port: channel.localAddress!.port!, accepted: accepted)
        return try await withCleanup {
            try await body(probe)
        } cleanup: {
            try? await channel.close()
        }
    }
}
