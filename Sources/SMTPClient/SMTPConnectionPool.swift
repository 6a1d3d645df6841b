import Logging
import NIOCore
import NIOSSL

/// Connections to one relay, reused across messages.
///
/// At most ``SMTPClientConfiguration/maximumConnections`` are open; a task that finds none idle
/// and the limit reached waits for one to come back (or is cancelled). Idle connections older than
/// ``SMTPClientConfiguration/maximumIdleTime`` or closed by the server are dropped on lease.
actor SMTPConnectionPool {
    /// A connection handed to one task; `used` tells that it carried a transaction before (RSET first).
    struct Lease: Sendable {
        let connection: SMTPConnection
        let used: Bool
    }

    private struct Idle {
        let connection: SMTPConnection
        let since: ContinuousClock.Instant
    }

    private let configuration: SMTPClientConfiguration
    private let tlsContext: NIOSSLContext?
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private var idle: [Idle] = []
    private var open = 0
    private var waiters: [(id: Int, continuation: CheckedContinuation<Void, Never>)] = []
    private var nextWaiterID = 0
    private var closed = false

    init(configuration: SMTPClientConfiguration, tlsContext: NIOSSLContext?, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.tlsContext = tlsContext
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// An idle connection, a new one, or (at the limit) the next one released.
    func lease() async throws(SMTPError) -> Lease {
        while true {
            if self.closed { throw .closed }
            if Task.isCancelled { throw .timeout("a free connection") }
            while let candidate = self.idle.popLast() {
                if candidate.connection.isActive, candidate.since.duration(to: .now) < self.configuration.maximumIdleTime {
                    return Lease(connection: candidate.connection, used: true)
                }
                self.open -= 1
                let stale = candidate.connection
                Task { await stale.close() }
            }
            if self.open < self.configuration.maximumConnections {
                self.open += 1
                do {
                    let connection = try await SMTPConnection.connect(
                        configuration: self.configuration, tlsContext: self.tlsContext, eventLoop: self.eventLoopGroup.any(), logger: self.logger)
                    return Lease(connection: connection, used: false)
                } catch {
                    self.open -= 1
                    self.wakeOne()
                    throw error
                }
            }
            let id = self.nextWaiterID
            self.nextWaiterID += 1
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    self.waiters.append((id, continuation))
                }
            } onCancel: {
                Task { await self.cancelWaiter(id) }
            }
        }
    }

    /// Returns a connection: kept for reuse when `reusable` (and the pool reuses connections), closed otherwise.
    func release(_ lease: Lease, reusable: Bool) async {
        if reusable, self.configuration.reuseConnections, !self.closed, lease.connection.isActive {
            self.idle.append(Idle(connection: lease.connection, since: .now))
        } else {
            self.open -= 1
            await lease.connection.close()
        }
        self.wakeOne()
    }

    /// Closes every idle connection; leased ones close when released.
    func shutdown() async {
        self.closed = true
        let connections = self.idle.map(\.connection)
        self.idle.removeAll()
        self.open -= connections.count
        for connection in connections { await connection.close() }
        for waiter in self.waiters { waiter.continuation.resume() }
        self.waiters.removeAll()
    }

    private func wakeOne() {
        if !self.waiters.isEmpty { self.waiters.removeFirst().continuation.resume() }
    }

    private func cancelWaiter(_ id: Int) {
        if let index = self.waiters.firstIndex(where: { $0.id == id }) {
            self.waiters.remove(at: index).continuation.resume()
        }
    }
}
