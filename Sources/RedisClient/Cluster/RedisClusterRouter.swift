import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import RESP

/// The cluster side of ``RedisClient``: the slot map, a ``RedisConnectionPool`` per master, and the
/// redirect loop that follows `MOVED` and `ASK`.
///
/// ``run()`` runs every node's pool (pools are made as masters are discovered) and re-reads the
/// topology on a timer (``RedisConfiguration/clusterRefreshInterval``) and whenever a `MOVED`
/// or a lost connection asks for it. Refreshes are serialized: a caller needing the topology while
/// one runs waits for it rather than starting another. Commands only ever go to masters.
final class RedisClusterRouter: Sendable {
    private struct State {
        /// Master per slot; empty until the first topology.
        var owners: [RedisConfiguration.Endpoint?] = []
        var masters: [RedisConfiguration.Endpoint] = []
        var pools: [RedisConfiguration.Endpoint: RedisConnectionPool] = [:]
        var next = 0
        /// Callers waiting for the refresh in progress; `nil` when none runs.
        var refreshWaiters: [CheckedContinuation<Void, any Error>]?
        /// Nodes with a pool that the topology no longer lists as masters, since when.
        var outOfTopologySince: [RedisConfiguration.Endpoint: NIODeadline] = [:]
        var closed = false
    }

    private let state = NIOLockedValueBox(State())
    let configuration: RedisConfiguration
    let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let seeds: [RedisConfiguration.Endpoint]
    private let newPools: AsyncStream<RedisConnectionPool>
    private let newPoolsContinuation: AsyncStream<RedisConnectionPool>.Continuation
    private let refreshRequests: AsyncStream<Void>
    private let refreshRequestsContinuation: AsyncStream<Void>.Continuation

    init(
        configuration: RedisConfiguration, seeds: [RedisConfiguration.Endpoint], eventLoopGroup: any EventLoopGroup,
        logger: Logger
    ) {
        self.configuration = configuration
        self.seeds = seeds
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        (self.newPools, self.newPoolsContinuation) = AsyncStream.makeStream(of: RedisConnectionPool.self)
        (self.refreshRequests, self.refreshRequestsContinuation) = AsyncStream.makeStream(
            of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    // MARK: Service

    /// Runs the node pools and the refresh loop until cancelled; then closes every connection.
    func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask {
                // Asks for a refresh each interval; requests from MOVED and lost connections join in.
                let interval = UInt64(self.configuration.clusterRefreshInterval.nanoseconds)
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: interval)
                    self.refreshRequestsContinuation.yield()
                }
            }
            group.addTask {
                self.refreshRequestsContinuation.yield()
                for await _ in self.refreshRequests {
                    do {
                        try await self.refresh()
                    } catch {
                        self.logger.warning("redis cluster topology refresh failed", metadata: ["error": "\(error)"])
                    }
                }
            }
            for await pool in self.newPools {
                group.addTask { await pool.run() }
            }
            group.cancelAll()
        }
        let pools = self.state.withLockedValue { state -> [RedisConnectionPool] in
            state.closed = true
            return Array(state.pools.values)
        }
        self.newPoolsContinuation.finish()
        self.refreshRequestsContinuation.finish()
        // Pools that never ran (made after cancellation) fail their waiters too.
        for pool in pools { await pool.shutdown() }
    }

    /// `true` once ``run()`` has ended.
    var isClosed: Bool { self.state.withLockedValue { $0.closed } }

    /// Sum of the node pools' reconnection counts (see ``RedisClient/reconnections``).
    var reconnections: UInt64 {
        self.state.withLockedValue { state in state.pools.values.reduce(0) { $0 &+ $1.reconnections } }
    }

    /// Asks the refresh loop for a new topology soon; never waits.
    func requestRefresh() {
        self.refreshRequestsContinuation.yield()
    }

    // MARK: Routing

    /// The master serving `slot` (any master for `nil`), reading the topology first when none is known.
    func endpoint(for slot: Int?) async throws -> RedisConfiguration.Endpoint {
        for attempt in 0..<2 {
            let found = try self.state.withLockedValue { state -> RedisConfiguration.Endpoint? in
                if state.closed { throw RedisClientError.poolClosed }
                guard !state.owners.isEmpty else { return nil }
                if let slot { return state.owners[slot] }
                guard !state.masters.isEmpty else { return nil }
                state.next &+= 1
                return state.masters[state.next % state.masters.count]
            }
            if let found { return found }
            if attempt == 0 { try await self.refresh() }
        }
        throw RedisClientError.clusterTopology(slot.map { "no master serves slot \($0)" } ?? "no master known")
    }

    /// Every master of the current topology (reading it first when none is known).
    func masters() async throws -> [RedisConfiguration.Endpoint] {
        if self.state.withLockedValue({ $0.masters.isEmpty }) { try await self.refresh() }
        return self.state.withLockedValue { $0.masters }
    }

    /// The pool of `endpoint`, made (and handed to ``run()``) on first use.
    func pool(for endpoint: RedisConfiguration.Endpoint) throws -> RedisConnectionPool {
        let (pool, isNew) = try self.state.withLockedValue { state -> (RedisConnectionPool, Bool) in
            if state.closed { throw RedisClientError.poolClosed }
            if let pool = state.pools[endpoint] { return (pool, false) }
            var configuration = self.configuration
            configuration.endpoint = endpoint
            configuration.mode = .standalone
            let pool = RedisConnectionPool(
                configuration: configuration, eventLoopGroup: self.eventLoopGroup, logger: self.logger)
            state.pools[endpoint] = pool
            return (pool, true)
        }
        if isNew { self.newPoolsContinuation.yield(pool) }
        return pool
    }

    /// Records a `MOVED`: `slot` now lives on `endpoint` (a full refresh follows).
    func moved(slot: Int, to endpoint: RedisConfiguration.Endpoint) {
        self.state.withLockedValue { state in
            guard (0..<RedisHashSlot.count).contains(slot), !state.owners.isEmpty else { return }
            state.owners[slot] = endpoint
        }
        self.requestRefresh()
    }

    /// The nodes that have a pool (for tests).
    var pooledEndpoints: Set<RedisConfiguration.Endpoint> { self.state.withLockedValue { Set($0.pools.keys) } }

    /// Dedicated connections open on each node (for tests).
    var dedicatedCounts: [RedisConfiguration.Endpoint: Int] {
        self.state.withLockedValue { $0.pools.mapValues { $0.dedicatedCounts.open } }
    }

    // MARK: Redirects

    /// Runs `attempt` on the master of `slot`, following `MOVED` (to the new owner, with a topology
    /// refresh) and `ASK` (once, with `ASKING` first), and retrying `TRYAGAIN` / `CLUSTERDOWN` and
    /// connect failures after a short pause, at most ``RedisConfiguration/clusterMaximumRedirections``
    /// times. Returns the final reply, an error reply as a value.
    ///
    /// `attempt` gets the pool and whether to send `ASKING` before the command. A command whose
    /// connection closed after it was sent is not retried (it may have run): that error is thrown.
    func execute(
        _ name: String, slot: Int?, redirect initial: RedisServerError.Redirection? = nil,
        _ attempt: (RedisConnectionPool, _ asking: Bool) async throws -> RESPValue
    ) async throws -> RESPValue {
        var askTarget: RedisConfiguration.Endpoint?
        if let initial {
            let target = RedisConfiguration.Endpoint.tcp(host: initial.host, port: initial.port)
            switch initial.kind {
            case .moved: self.moved(slot: initial.slot, to: target)
            case .ask: askTarget = target
            }
        }
        let limit = max(1, self.configuration.clusterMaximumRedirections)
        for attemptNumber in 1...limit {
            let endpoint: RedisConfiguration.Endpoint
            if let askTarget { endpoint = askTarget } else { endpoint = try await self.endpoint(for: slot) }
            let reply: RESPValue
            do {
                reply = try await attempt(try self.pool(for: endpoint), askTarget != nil)
            } catch let error as RedisClientError
                where (error.isConnectFailure || (error == .poolClosed && !self.isClosed)) && attemptNumber < limit
            {
                // Never sent: the node is down or unreachable (a failover may be under way), or
                // its pool was just retired by a new topology.
                self.requestRefresh()
                askTarget = nil
                try await Self.pause(attemptNumber)
                continue
            } catch let error as RedisClientError where error.isConnectionFailure {
                self.requestRefresh()
                throw error
            }
            askTarget = nil
            guard let message = reply.errorMessage else { return reply }
            let error = RedisServerError(message: message)
            if let redirection = error.redirection {
                let target = RedisConfiguration.Endpoint.tcp(host: redirection.host, port: redirection.port)
                switch redirection.kind {
                case .moved: self.moved(slot: redirection.slot, to: target)
                case .ask: askTarget = target
                }
                continue
            }
            switch error.prefix {
            case "TRYAGAIN", "CLUSTERDOWN", "LOADING", "MASTERDOWN":
                // A multi-key command mid-migration, or a cluster electing a new master.
                if error.prefix != "TRYAGAIN" { self.requestRefresh() }
                guard attemptNumber < limit else { return reply }
                try await Self.pause(attemptNumber)
                continue
            default:
                return reply
            }
        }
        throw RedisClientError.tooManyRedirections(name, limit)
    }

    /// 10 ms, 20 ms, 40 ms... capped at 500 ms: a failover takes about a second.
    private static func pause(_ attempt: Int) async throws {
        let milliseconds = min(500, 10 << min(attempt - 1, 6))
        try await Task.sleep(nanoseconds: UInt64(milliseconds) * 1_000_000)
    }

    // MARK: Topology

    /// Reads the topology from a known master or a seed and installs it. A refresh already
    /// running is waited for instead of starting a second one, and its error is thrown to every
    /// waiter (a caller must not take a failed refresh for an empty topology).
    func refresh() async throws {
        let runsIt = self.state.withLockedValue { state -> Bool in
            if state.refreshWaiters == nil {
                state.refreshWaiters = []
                return true
            }
            return false
        }
        guard runsIt else {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let waiting = self.state.withLockedValue { state -> Bool in
                    guard state.refreshWaiters != nil else { return false }
                    state.refreshWaiters!.append(continuation)
                    return true
                }
                if !waiting { continuation.resume() }
            }
            return
        }
        let result: Result<Void, any Error>
        do {
            try await self.readAndInstallTopology()
            result = .success(())
        } catch {
            result = .failure(error)
        }
        let waiters = self.state.withLockedValue { state -> [CheckedContinuation<Void, any Error>] in
            let waiters = state.refreshWaiters ?? []
            state.refreshWaiters = nil
            return waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
        try result.get()
    }

    /// One refresh: the first known master or seed that answers gives the topology.
    private func readAndInstallTopology() async throws {
        let known = self.state.withLockedValue { $0.masters }
        var candidates: [RedisConfiguration.Endpoint] = []
        for endpoint in known + self.seeds where !candidates.contains(endpoint) { candidates.append(endpoint) }
        var lastError: (any Error)?
        for endpoint in candidates {
            do {
                let topology = try await self.readTopology(from: endpoint)
                guard !topology.shards.isEmpty else {
                    lastError = RedisClientError.clusterTopology("\(endpoint.displayName) knows no master with slots")
                    continue
                }
                await self.install(topology)
                return
            } catch {
                lastError = error
            }
        }
        throw RedisClientError.clusterTopology(
            "no node answered CLUSTER SHARDS or CLUSTER SLOTS" + (lastError.map { " (last error: \($0))" } ?? ""))
    }

    private func readTopology(from endpoint: RedisConfiguration.Endpoint) async throws -> RedisClusterTopology {
        var configuration = self.configuration
        configuration.endpoint = endpoint
        configuration.mode = .standalone
        let connection = try await RedisConnection.connect(
            configuration: configuration, eventLoop: self.eventLoopGroup.any(), logger: self.logger)
        let host: String
        switch endpoint {
        case .tcp(let h, _): host = h
        case .unixSocket: host = "127.0.0.1"
        }
        do {
            let topology: RedisClusterTopology
            let shards = try await connection.sendRaw(
                RESPCommand("CLUSTER", ["SHARDS"]), timeout: configuration.connectTimeout)
            if shards.errorMessage == nil {
                topology = try .parseShards(shards, useTLSPort: configuration.tls != nil, connectedHost: host)
            } else {
                // Redis 6 and older have no CLUSTER SHARDS.
                let slots = try await connection.send(
                    RESPCommand("CLUSTER", ["SLOTS"]), timeout: configuration.connectTimeout)
                topology = try .parseSlots(slots, connectedHost: host)
            }
            await connection.close()
            return topology
        } catch {
            await connection.close()
            throw error
        }
    }

    private func install(_ topology: RedisClusterTopology) async {
        let owners = topology.slotOwners().map {
            $0.map { RedisConfiguration.Endpoint.tcp(host: $0.host, port: $0.port) }
        }
        let masters = topology.masters.map { RedisConfiguration.Endpoint.tcp(host: $0.host, port: $0.port) }
        let (changed, retired) = self.state.withLockedValue { state -> (Bool, [RedisConnectionPool]) in
            let changed = state.owners != owners
            state.owners = owners
            state.masters = masters
            // A node that is no longer a master (a demoted master, a removed node) gets nothing
            // more. Its pool is shut down once the node has been out for a command timeout, so
            // commands in flight there get their MOVED (and are retried) rather than a closed
            // connection; the pool is made again should the node come back as a master.
            let now = NIODeadline.now()
            var retired: [RedisConnectionPool] = []
            for endpoint in Array(state.pools.keys) where !masters.contains(endpoint) {
                guard let since = state.outOfTopologySince[endpoint] else {
                    state.outOfTopologySince[endpoint] = now
                    continue
                }
                if now - since >= self.configuration.commandTimeout,
                    let pool = state.pools.removeValue(forKey: endpoint)
                {
                    state.outOfTopologySince[endpoint] = nil
                    retired.append(pool)
                }
            }
            for master in masters { state.outOfTopologySince[master] = nil }
            return (changed, retired)
        }
        for pool in retired { await pool.shutdown() }
        if changed {
            self.logger.info(
                "redis cluster topology",
                metadata: ["redis.masters": "\(masters.count)", "redis.slots_served": "\(owners.count { $0 != nil })"])
        }
        // Warm a pool per master, so the first command to each does not wait for a connect.
        for master in masters { _ = try? self.pool(for: master) }
    }
}
