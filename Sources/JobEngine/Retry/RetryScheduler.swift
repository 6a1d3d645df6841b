import Logging
import RedisClient

/// Moves due retries from `{q}:delayed` back onto their lane streams (by their `priority` field), and forgets old idempotency keys.
///
/// Every worker runs one; the promote script moves each member exactly once, so running many
/// is safe (and keeps retries flowing when some workers die).
final class RetryScheduler: Sendable {
    private let queues: [QueueKeys]
    private let client: RedisClient
    private let configuration: EngineConfiguration
    private let logger: Logger
    private let clock: EngineClock
    /// Set by ``stop()``; cuts the sleep between rounds short.
    private let stopping = AsyncSignal(latching: true)
    /// Members moved per script call.
    let batchSize = 500

    init(queues: [QueueKeys], client: RedisClient, configuration: EngineConfiguration, logger: Logger) {
        self.queues = queues
        self.client = client
        self.configuration = configuration
        self.logger = logger
        self.clock = EngineClock(configuration.clock)
    }

    func stop() { self.stopping.signal() }

    func run() async {
        let clock = self.clock
        let stopping = self.stopping
        var lastPrune = clock.now - .seconds(3600)
        while !stopping.isSignalled && !Task.isCancelled {
            for keys in self.queues {
                _ = await self.promoteDue(keys)
            }
            if clock.now - lastPrune > .seconds(60) {
                lastPrune = clock.now
                for keys in self.queues { await self.pruneIdempotency(keys) }
            }
            await clock.sleep(for: self.configuration.schedulerInterval) { await stopping.wait() }
        }
    }

    /// Moves every due member of one queue; returns how many moved.
    @discardableResult
    func promoteDue(_ keys: QueueKeys) async -> Int {
        var total = 0
        while true {
            do {
                let moved = try await self.client.eval(
                    EngineScripts.promote, keys: [keys.delayed, keys.critical, keys.stream, keys.bulk],
                    arguments: [String(self.configuration.now()), String(self.batchSize)]
                ).int ?? 0
                total += moved
                if moved < self.batchSize { return total }
            } catch {
                self.logger.debug("moving due retries failed", metadata: ["queue": "\(keys.stream)", "error": "\(error)"])
                return total
            }
        }
    }

    private func pruneIdempotency(_ keys: QueueKeys) async {
        let cutoff = self.configuration.now() - self.configuration.idempotencyRetention.milliseconds
        while true {
            guard let removed = try? await self.client.eval(
                EngineScripts.pruneIdempotency, keys: [keys.idempotency, keys.idempotencyIndex],
                arguments: [String(cutoff), "1000"]
            ).int, removed == 1000 else { return }
        }
    }
}
