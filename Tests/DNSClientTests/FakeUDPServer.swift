import NIOCore
import NIOPosix
import TestSupport

/// An in-process UDP responder on 127.0.0.1: for each datagram received, sends back what
/// `respond` returns (nothing, one or several datagrams), and counts the queries.
enum FakeUDPServer {
    typealias Responder = @Sendable (_ query: [UInt8]) -> [[UInt8]]

    /// Runs `body` with the port of a responder; the responder stops when `body` returns.
    static func run<T: Sendable>(
        respond: @escaping Responder, _ body: (_ port: Int, _ queries: LockedBox<Int>) async throws -> T
    ) async throws -> T {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(
                        wrappingChannelSynchronously: channel)
                }
            }
        guard let port = channel.channel.localAddress?.port else { throw TestFailure("no UDP port") }
        let queries = LockedBox(0)
        return try await channel.executeThenClose { inbound, outbound in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await envelope in inbound {
                        queries.withLock { $0 += 1 }
                        for datagram in respond(Array(buffer: envelope.data)) {
                            try await outbound.write(
                                AddressedEnvelope(
                                    remoteAddress: envelope.remoteAddress, data: ByteBuffer(bytes: datagram)))
                        }
                    }
                }
                defer { group.cancelAll() }
                return try await body(port, queries)
            }
        }
    }
}
