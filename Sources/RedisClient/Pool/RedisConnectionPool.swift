import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import RESP

/// A bounded set of multiplexed connections plus a reserve of connections for blocking commands.
///
/// ``run()`` keeps ``RedisConfiguration/poolSize`` connections open: each slot connects, serves
/// until its connection closes, then reconnects with ``Backoff``. A health check `PING`s every
/// connection each ``RedisConfiguration/healthCheckInterval`` and closes one that does not answer.
/// Requests pick a live connection round-robin; while none is live they wait up to the connect
/// timeout. Blocking commands and exclusive leases borrow a dedicated connection (opened on demand,
/// kept idle up to a limit, at most ``RedisConfiguration/maximumBlockingConnections`` at once; see
/// ``DedicatedConnectionsStateMachine``), so a `BLOCK` never holds up a connection other requests
/// share and a transaction never sees their commands.
final class RedisConnectionPool: Sendable {
    /// A waiter for a dedicated connection is resumed with one, or with `nil`: open a new one.
    typealias Dedicated = DedicatedConnectionsStateMachine<
        RedisConnection, CheckedContinuation<RedisConnection?, any Error>
    >

    private struct State {
        var live: [RedisConnection] = []
        var next = 0
        var waiters: [UInt64: CheckedContinuation<RedisConnection, any Error>] = [:]
        var nextWaiterID: UInt64 = 0
        var dedicated: Dedicated
        var closed = false
        var lastError: (any Error)?
        /// Bumped when a pooled connection is replaced after a loss or a failover (see ``reconnections``).
        var reconnections: UInt64 = 0
    }

    private let state: NIOLockedValueBox<State>
    let configuration: RedisConfiguration
    private let logger: Logger
    let eventLoopGroup: any EventLoopGroup
    private let backoff = Backoff()
    /// Sentinel mode: finds the master before each connect and follows failovers.
    let sentinel: SentinelMasterResolver?

    init(configuration: RedisConfiguration, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.sentinel = configuration.sentinel.map {
            SentinelMasterResolver(base: configuration, sentinel: $0, logger: logger)
        }
        self.state = NIOLockedValueBox(
            State(
                dedicated: Dedicated(
                    maximum: configuration.maximumBlockingConnections,
                    maximumIdle: configuration.maximumIdleBlockingConnections)))
    }

    /// Maintains the connections until cancelled; then closes every connection.
    func run() async {
        await withTaskGroup(of: Void.self) { group in
            for slot in 0..<self.configuration.poolSize {
                group.addTask { await self.runSlot(slot) }
            }
            group.addTask { await self.runHealthChecks() }
            if let sentinel = self.sentinel {
                group.addTask { await sentinel.monitor { await self.closeAllConnections() } }
            }
            await group.waitForAll()
        }
        await self.shutdown()
    }

    private func runSlot(_ slot: Int) async {
        var generator = SystemRandomNumberGenerator()
        var failures = 0
        var connectedBefore = false
        while !Task.isCancelled, !self.isClosed {
            do {
                let connection = try await self.open()
                // Shut down while connecting (a cluster node retired from the topology): stop here.
                if self.isClosed {
                    await connection.close()
                    break
                }
                if connectedBefore {
                    self.state.withLockedValue { $0.reconnections &+= 1 }
                }
                connectedBefore = true
                if failures > 0 {
                    self.logger.info("redis reconnected", metadata: ["redis.endpoint": "\(self.configuration.targetDescription)"])
                }
                failures = 0
                self.add(connection)
                // Serve until the connection closes or the pool is cancelled.
                await withTaskCancellationHandler {
                    try? await connection.closeFuture.get()
                } onCancel: {
                    connection.channel.close(promise: nil)
                }
                self.remove(connection)
            } catch {
                failures += 1
                self.recordFailure(error)
                if failures == 1 || failures % 20 == 0 {
                    self.logger.warning(
                        "redis connect failed",
                        metadata: ["redis.endpoint": "\(self.configuration.targetDescription)", "error": "\(error)", "attempt": "\(failures)"])
                }
                try? await Task.sleep(nanoseconds: UInt64(self.backoff.delay(attempt: failures, using: &generator).nanoseconds))
            }
        }
    }

    /// Opens a connection to the endpoint, or in Sentinel mode to the master the sentinels name.
    private func open() async throws -> RedisConnection {
        if let sentinel = self.sentinel {
            return try await sentinel.connectToMaster(eventLoop: self.eventLoopGroup.any())
        }
        return try await RedisConnection.connect(
            configuration: self.configuration, eventLoop: self.eventLoopGroup.any(), logger: self.logger)
    }

    /// How many times a pooled connection was replaced after it was lost (server restart, timeout,
    /// failover). A reader that lost a reply with its connection checks this to re-read what the
    /// server may have delivered meanwhile.
    var reconnections: UInt64 { self.state.withLockedValue { $0.reconnections } }

    /// Closes every open connection, pooled and dedicated (in use or idle): after a failover they
    /// point at the old master. Commands waiting on them fail with a connection error; the slots
    /// reconnect, through the sentinels, to the new master.
    func closeAllConnections() async {
        let connections = self.state.withLockedValue { $0.live + $0.dedicated.openConnections }
        for connection in connections { connection.channel.close(promise: nil) }
    }

    /// A node answered `READONLY` (in Sentinel mode, a demoted master): unless `connection` was
    /// closed already for this, forget the master and close every connection so they reconnect
    /// through the sentinels.
    func readOnlyReply(from connection: RedisConnection) async {
        guard let sentinel = self.sentinel, connection.isActive else { return }
        self.logger.warning("redis: READONLY reply, the master was demoted; asking the sentinels again")
        sentinel.invalidate()
        await self.closeAllConnections()
    }

    private func runHealthChecks() async {
        let interval = UInt64(self.configuration.healthCheckInterval.nanoseconds)
        while !Task.isCancelled, !self.isClosed {
            try? await Task.sleep(nanoseconds: interval)
            if Task.isCancelled || self.isClosed { break }
            let connections = self.state.withLockedValue { $0.live }
            for connection in connections {
                do {
                    // Any answer, an error reply included (a cluster node may answer MOVED, a
                    // loading server LOADING), shows the connection is alive; only silence or a
                    // broken connection closes it.
                    _ = try await connection.sendRaw(RESPCommand("PING"), timeout: self.configuration.connectTimeout)
                } catch {
                    self.logger.warning("redis health check failed; reconnecting", metadata: ["error": "\(error)"])
                    await connection.close()
                }
            }
        }
    }

    /// `true` once ``shutdown()`` ran: ``run()`` then returns without waiting for cancellation.
    private var isClosed: Bool { self.state.withLockedValue { $0.closed } }

    private func add(_ connection: RedisConnection) {
        let waiters = self.state.withLockedValue { state -> [CheckedContinuation<RedisConnection, any Error>] in
            state.live.append(connection)
            state.lastError = nil
            let waiters = Array(state.waiters.values)
            state.waiters.removeAll()
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: connection) }
    }

    private func remove(_ connection: RedisConnection) {
        self.state.withLockedValue { state in
            state.live.removeAll { $0 === connection }
        }
    }

    private func recordFailure(_ error: any Error) {
        self.state.withLockedValue { $0.lastError = error }
    }

    /// A live multiplexed connection, waiting up to the connect timeout for one.
    func connection() async throws -> RedisConnection {
        let immediate: RedisConnection? = try self.state.withLockedValue { state in
            if state.closed { throw RedisClientError.poolClosed }
            guard !state.live.isEmpty else { return nil }
            state.next &+= 1
            let connection = state.live[state.next % state.live.count]
            return connection.isActive ? connection : state.live.first(where: \.isActive)
        }
        if let immediate { return immediate }
        return try await self.waitForConnection()
    }

    private func waitForConnection() async throws -> RedisConnection {
        let id = self.state.withLockedValue { state -> UInt64 in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        let timeoutNanos = UInt64(self.configuration.connectTimeout.nanoseconds)
        return try await withThrowingTaskGroup(of: RedisConnection?.self) { group in
            group.addTask {
                try await withTaskCancellationHandler {
                    try await withCheckedThrowingContinuation { continuation in
                        let result: Result<RedisConnection, any Error>? = self.state.withLockedValue { state in
                            if state.closed { return .failure(RedisClientError.poolClosed) }
                            if let live = state.live.first(where: \.isActive) { return .success(live) }
                            state.waiters[id] = continuation
                            return nil
                        }
                        if let result { continuation.resume(with: result) }
                    }
                } onCancel: {
                    let waiter = self.state.withLockedValue { $0.waiters.removeValue(forKey: id) }
                    waiter?.resume(throwing: CancellationError())
                }
            }
            group.addTask {
                try? await Task.sleep(nanoseconds: timeoutNanos)
                return nil
            }
            defer { group.cancelAll() }
            if let first = try await group.next(), let connection = first { return connection }
            try Task.checkCancellation()
            let lastError = self.state.withLockedValue { $0.lastError }
            throw RedisClientError.connectFailed(
                "no connection to \(self.configuration.targetDescription) within \(self.configuration.connectTimeout.nanoseconds / 1_000_000) ms"
                    + (lastError.map { " (last error: \($0))" } ?? ""))
        }
    }

    /// Runs `body` with a dedicated connection no one else uses meanwhile, then releases it.
    ///
    /// `reusable` decides whether the connection may serve another caller afterwards (it gets
    /// whether `body` succeeded); if not, it is closed. Past the bound on dedicated connections this
    /// waits up to the connect timeout, then throws ``RedisClientError/tooManyBlockingConnections(limit:)``.
    func withDedicatedConnection<T>(
        _ body: (RedisConnection) async throws -> T,
        reusable: (RedisConnection, _ succeeded: Bool) async -> Bool
    ) async throws -> T {
        let connection = try await self.acquireDedicated()
        let result: Result<T, any Error>
        do {
            result = .success(try await body(connection))
        } catch {
            result = .failure(error)
        }
        let succeeded = if case .success = result { true } else { false }
        let keep = await reusable(connection, succeeded)
        self.perform(self.state.withLockedValue { $0.dedicated.release(connection, reusable: keep) })
        return try result.get()
    }

    /// Dedicated connections in use, idle or being opened, and callers waiting for one (for tests).
    var dedicatedCounts: (open: Int, waiting: Int) {
        self.state.withLockedValue { ($0.dedicated.count, $0.dedicated.waiterCount) }
    }

    private func acquireDedicated() async throws -> RedisConnection {
        try Task.checkCancellation()
        let id = self.state.withLockedValue { state -> UInt64 in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        let limit = self.configuration.maximumBlockingConnections
        var timer: Scheduled<Void>?
        let granted: RedisConnection? = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let action = self.state.withLockedValue {
                    $0.dedicated.acquire(waiterID: id, waiter: continuation, isUsable: \.isActive)
                }
                switch action {
                case .grant(.use(let connection)): continuation.resume(returning: connection)
                case .grant(.open): continuation.resume(returning: nil)
                case .shutdown: continuation.resume(throwing: RedisClientError.poolClosed)
                case .wait:
                    // Cancelled before the waiter was queued: the cancellation handler found nothing.
                    if Task.isCancelled, let waiter = self.state.withLockedValue({ $0.dedicated.cancelWaiter(id) }) {
                        waiter.resume(throwing: CancellationError())
                        return
                    }
                    timer = self.eventLoopGroup.any().scheduleTask(in: self.configuration.connectTimeout) {
                        let waiter = self.state.withLockedValue { $0.dedicated.cancelWaiter(id) }
                        waiter?.resume(throwing: RedisClientError.tooManyBlockingConnections(limit: limit))
                    }
                }
            }
        } onCancel: {
            let waiter = self.state.withLockedValue { $0.dedicated.cancelWaiter(id) }
            waiter?.resume(throwing: CancellationError())
        }
        timer?.cancel()
        if let granted { return granted }
        // Granted a slot: open a connection for it.
        let connection: RedisConnection
        do {
            connection = try await self.open()
        } catch {
            self.perform(self.state.withLockedValue { $0.dedicated.openFailed() })
            throw error
        }
        guard self.state.withLockedValue({ $0.dedicated.opened(connection) }) else {
            connection.channel.close(promise: nil)
            throw RedisClientError.poolClosed
        }
        return connection
    }

    private func perform(_ action: Dedicated.ReleaseAction) {
        action.close?.channel.close(promise: nil)
        guard let resume = action.resume else { return }
        switch resume.grant {
        case .use(let connection): resume.waiter.resume(returning: connection)
        case .open: resume.waiter.resume(returning: nil)
        }
    }

    /// Closes every connection and fails waiters; later requests fail with ``RedisClientError/poolClosed``.
    func shutdown() async {
        let (connections, waiters, dedicatedWaiters) = self.state.withLockedValue { state in
            state.closed = true
            let dedicated = state.dedicated.shutdown()
            let all = state.live + dedicated.connections
            state.live.removeAll()
            let waiters = Array(state.waiters.values)
            state.waiters.removeAll()
            return (all, waiters, dedicated.waiters)
        }
        for waiter in waiters { waiter.resume(throwing: RedisClientError.poolClosed) }
        for waiter in dedicatedWaiters { waiter.resume(throwing: RedisClientError.poolClosed) }
        for connection in connections { await connection.close() }
    }
}
