import Logging
import NIOConcurrencyHelpers
import NIOCore
import RESP

/// Finds and follows the master of a Sentinel-monitored Redis (the I/O around ``SentinelMasterState``).
///
/// - ``connectToMaster(eventLoop:)`` asks the sentinels in turn for the master's address (unless one
///   is known), connects there and checks with `ROLE` that the node is the master; a replica (a
///   sentinel that has not yet seen a failover) makes it ask again, once, then fail.
/// - ``monitor(onChange:)`` subscribes to `+switch-master` on one sentinel (RESP3 push frames, or
///   RESP2 arrays on a connection in subscribed mode) and calls `onChange` when our master moves;
///   when that sentinel's connection drops it moves to the next one, and after each
///   (re)subscription it re-asks the master in case it missed an event. A sentinel that refuses
///   `SUBSCRIBE` is polled with `SENTINEL GET-MASTER-ADDR-BY-NAME` every
///   ``RedisSentinelConfiguration/pollInterval`` instead.
final class SentinelMasterResolver: Sendable {
    let sentinel: RedisSentinelConfiguration
    private let base: RedisConfiguration
    private let logger: Logger
    private let state: NIOLockedValueBox<SentinelMasterState>
    private let backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(2))

    init(base: RedisConfiguration, sentinel: RedisSentinelConfiguration, logger: Logger) {
        self.base = base
        self.sentinel = sentinel
        self.logger = logger
        self.state = NIOLockedValueBox(SentinelMasterState(sentinels: sentinel.sentinels))
    }

    /// How many times the known master moved to another address.
    var generation: UInt64 { self.state.withLockedValue { $0.generation } }

    /// The master connections currently go to, if known.
    var currentMaster: RedisSentinelConfiguration.Address? { self.state.withLockedValue { $0.master } }

    /// Forgets the known master: the next connect asks the sentinels again.
    func invalidate() {
        self.state.withLockedValue { $0.invalidate() }
    }

    /// The configuration of a connection to the sentinel at `address` (its own login, database 0).
    func sentinelConfiguration(_ address: RedisSentinelConfiguration.Address) -> RedisConfiguration {
        var configuration = self.base
        configuration.sentinel = nil
        configuration.endpoint = .tcp(host: address.host, port: address.port)
        configuration.username = self.sentinel.username
        configuration.password = self.sentinel.password
        configuration.database = 0
        configuration.tlsServerHostname = nil
        return configuration
    }

    /// Connects to the current master, checked with `ROLE`.
    ///
    /// - Throws: ``RedisClientError/connectFailed(_:)`` when no sentinel names a master, the master
    ///   does not accept connections, or it is not (yet) a master.
    func connectToMaster(eventLoop: any EventLoop) async throws -> RedisConnection {
        var lastRole = "unknown"
        var lastAddress: RedisSentinelConfiguration.Address?
        for _ in 0..<2 {
            let address: RedisSentinelConfiguration.Address
            if let known = self.currentMaster {
                address = known
            } else {
                address = try await self.askSentinels(eventLoop: eventLoop)
            }
            lastAddress = address
            var configuration = self.base
            configuration.sentinel = nil
            configuration.endpoint = .tcp(host: address.host, port: address.port)
            let connection: RedisConnection
            do {
                connection = try await RedisConnection.connect(
                    configuration: configuration, eventLoop: eventLoop, logger: self.logger)
            } catch {
                self.invalidate()
                throw error
            }
            let role: RedisRole
            do {
                role = try RedisRole.parse(
                    try await connection.sendRaw(RESPCommand("ROLE"), timeout: self.base.connectTimeout))
            } catch {
                await connection.close()
                self.invalidate()
                throw RedisClientError.connectFailed("ROLE of \(address): \(error)")
            }
            if role.isMaster { return connection }
            await connection.close()
            lastRole = role.name
            self.invalidate()
        }
        throw RedisClientError.connectFailed(
            "\(lastAddress.map(String.init(describing:)) ?? "?") is a \(lastRole), not the master "
                + "\(self.sentinel.masterName) (failover in progress?)")
    }

    /// Asks each sentinel in turn for the master's address; the first that knows it wins.
    func askSentinels(eventLoop: any EventLoop) async throws -> RedisSentinelConfiguration.Address {
        let order = self.state.withLockedValue { $0.sentinelOrder }
        var errors: [String] = []
        for sentinelAddress in order {
            do {
                let connection = try await RedisConnection.connect(
                    configuration: self.sentinelConfiguration(sentinelAddress), eventLoop: eventLoop,
                    logger: self.logger)
                let reply: RESPValue
                do {
                    reply = try await connection.sendRaw(
                        RESPCommand("SENTINEL", ["GET-MASTER-ADDR-BY-NAME", self.sentinel.masterName]),
                        timeout: self.base.connectTimeout)
                } catch {
                    await connection.close()
                    throw error
                }
                await connection.close()
                guard let master = try SentinelMasterAddress.parse(reply) else {
                    errors.append("\(sentinelAddress): no master named \(self.sentinel.masterName)")
                    continue
                }
                let changed = self.state.withLockedValue { state in
                    state.sentinelAnswered(sentinelAddress)
                    return state.resolved(master)
                }
                if changed {
                    self.logger.info("redis sentinel: master moved", metadata: ["redis.master": "\(master)"])
                }
                return master
            } catch {
                errors.append("\(sentinelAddress): \(error)")
            }
        }
        throw RedisClientError.connectFailed(
            "no sentinel named the master \(self.sentinel.masterName): " + errors.joined(separator: "; "))
    }

    /// Asks the sentinel at `address` for the master every ``RedisSentinelConfiguration/pollInterval``
    /// on `connection` until it fails; calls `onChange` when the answer names another master.
    private func poll(
        _ connection: RedisConnection, address: RedisSentinelConfiguration.Address,
        onChange: @escaping @Sendable () async -> Void
    ) async throws {
        let command = RESPCommand("SENTINEL", ["GET-MASTER-ADDR-BY-NAME", self.sentinel.masterName])
        while true {
            try await Task.sleep(for: self.sentinel.pollInterval)
            let reply = try await connection.sendRaw(command, timeout: self.base.connectTimeout)
            if let message = reply.errorMessage { throw RedisServerError(message: message) }
            guard let master = try SentinelMasterAddress.parse(reply) else { continue }
            let changed = self.state.withLockedValue { state in
                state.sentinelAnswered(address)
                return state.resolved(master)
            }
            guard changed else { continue }
            self.logger.info(
                "redis sentinel: failover, moving connections to the new master",
                metadata: ["redis.master": "\(master)"])
            await onChange()
        }
    }

    /// Follows `+switch-master` until cancelled; calls `onChange` when our master moved.
    func monitor(onChange: @escaping @Sendable () async -> Void) async {
        var generator = SystemRandomNumberGenerator()
        var failures = 0
        var index = 0
        while !Task.isCancelled {
            let order = self.state.withLockedValue { $0.sentinelOrder }
            let address = order[index % order.count]
            index += 1
            do {
                try await self.follow(address, onChange: onChange)
                failures = 0
            } catch is CancellationError {
                return
            } catch {
                failures += 1
                if failures == 1 || failures % 20 == 0 {
                    self.logger.warning(
                        "redis sentinel: cannot follow failovers on this sentinel; trying the next",
                        metadata: ["redis.sentinel": "\(address)", "error": "\(error)"])
                }
            }
            if Task.isCancelled { return }
            try? await Task.sleep(
                nanoseconds: UInt64(self.backoff.delay(attempt: max(failures, 1), using: &generator).nanoseconds))
        }
    }

    /// Subscribes on one sentinel and handles its events until its connection drops.
    private func follow(_ address: RedisSentinelConfiguration.Address, onChange: @escaping @Sendable () async -> Void)
        async throws
    {
        let (events, continuation) = AsyncStream<RESPValue>.makeStream(bufferingPolicy: .bufferingNewest(64))
        let connection = try await RedisConnection.connect(
            configuration: self.sentinelConfiguration(address), logger: self.logger,
            pushHandler: { continuation.yield($0) })
        connection.closeFuture.whenComplete { _ in continuation.finish() }
        try await withTaskCancellationHandler {
            // RESP3: events come as push frames; RESP2: as arrays on a connection in subscribed mode.
            do {
                try await connection.subscribe(SentinelSwitchMaster.channel)
            } catch let error as RedisServerError {
                // A sentinel (or a proxy in front of it) that refuses SUBSCRIBE: ask it every
                // `pollInterval` instead, on this connection.
                self.logger.info(
                    "redis sentinel: SUBSCRIBE refused; polling the master address instead",
                    metadata: ["redis.sentinel": "\(address)", "error": "\(error.prefix)"])
                try await self.poll(connection, address: address, onChange: onChange)
                return
            }
            // A failover may have happened while no sentinel was followed: ask now.
            let before = self.state.withLockedValue { $0.lastKnown }
            if let now = try? await self.askSentinels(eventLoop: connection.eventLoop), before != nil, now != before {
                await onChange()
            }
            for await frame in events {
                guard let event = SentinelSwitchMaster(message: frame) else { continue }
                let changed = self.state.withLockedValue { $0.switched(event, masterName: self.sentinel.masterName) }
                guard changed else { continue }
                self.logger.info(
                    "redis sentinel: failover, moving connections to the new master",
                    metadata: ["redis.master": "\(event.newAddress)", "redis.old_master": "\(event.oldAddress)"])
                await onChange()
            }
        } onCancel: {
            connection.channel.close(promise: nil)
        }
        try Task.checkCancellation()
    }
}
