import Logging
import NIOConcurrencyHelpers
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

    private struct Waiters {
        var queue: [(id: Int, continuation: CheckedContinuation<Void, Never>)] = []
        var nextID = 0
        var cancelled: Set<Int> = []
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
    /// Tasks waiting for a connection, in arrival order. Behind a lock rather than the actor so
    /// that a cancelled waiter is removed synchronously by its cancellation handler.
    private nonisolated let waiters = NIOLockedValueBox(Waiters())
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
                await candidate.connection.close()
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
            let id = self.waiters.withLockedValue { waiters in
                defer { waiters.nextID += 1 }
                return waiters.nextID
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let cancelledAlready = self.waiters.withLockedValue { waiters -> Bool in
                        if waiters.cancelled.remove(id) != nil { return true }
                        waiters.queue.append((id, continuation))
                        return false
                    }
                    if cancelledAlready { continuation.resume() }
                }
            } onCancel: {
                self.cancelWaiter(id)
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
        let waiting = self.waiters.withLockedValue { waiters in
            defer { waiters.queue.removeAll() }
            return waiters.queue
        }
        for waiter in waiting { waiter.continuation.resume() }
    }

    private func wakeOne() {
        let next = self.waiters.withLockedValue { waiters in
            waiters.queue.isEmpty ? nil : waiters.queue.removeFirst()
        }
        next?.continuation.resume()
    }

    /// Resumes a cancelled waiter at once (it then throws); remembers the cancellation when it
    /// has not queued yet.
    private nonisolated func cancelWaiter(_ id: Int) {
        let waiter = self.waiters.withLockedValue { waiters -> CheckedContinuation<Void, Never>? in
            guard let index = waiters.queue.firstIndex(where: { $0.id == id }) else {
                waiters.cancelled.insert(id)
                return nil
            }
            return waiters.queue.remove(at: index).continuation
        }
        waiter?.resume()
    }
}
