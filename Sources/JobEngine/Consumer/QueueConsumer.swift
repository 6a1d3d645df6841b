import Logging
import NIOConcurrencyHelpers
import NIOCore
import RESP
import RedisClient

/// Consumes one queue: reads entries into free slots, runs them, renews their claims, reclaims
/// entries of dead consumers, and cancels jobs past their timeout.
///
/// Start-up: the group is created (`XGROUP CREATE q g 0 MKSTREAM`, BUSYGROUP is fine), then this
/// consumer's own pending entries are re-read (`XREADGROUP ... 0`) before new ones (`>`).
/// Stop: reading stops, running jobs get the grace period, jobs still running after it are
/// cancelled and stay pending for another worker, and the last outcomes are written.
final class QueueConsumer: Sendable {
    let queue: QueueConfiguration
    private let client: RedisClient
    private let configuration: EngineConfiguration
    private let logger: Logger
    let inFlight = InFlightJobs()
    let recorder: OutcomeRecorder
    private let processor: JobProcessor
    private let stopping = NIOLockedValueBox(false)

    init(queue: QueueConfiguration, registry: JobRegistry, client: RedisClient, configuration: EngineConfiguration,
         logger: Logger) {
        self.queue = queue
        self.client = client
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "queue"] = "\(queue.keys.stream)"
        self.logger = logger
        let recorder = OutcomeRecorder(keys: queue.keys, client: client, configuration: configuration, logger: logger)
        self.recorder = recorder
        let stopping = self.stopping
        self.processor = JobProcessor(
            keys: queue.keys, registry: registry, client: client, configuration: configuration, recorder: recorder,
            inFlight: self.inFlight, logger: logger, isStopping: { stopping.withLockedValue { $0 } })
    }

    /// `true` once ``stop()`` was called, or when the calling task is cancelled (the engine's task was
    /// cancelled rather than gracefully stopped): every loop then ends instead of spinning.
    var isStopping: Bool { self.stopping.withLockedValue { $0 } || Task.isCancelled }

    /// Asks the consumer to stop reading and drain; ``run()`` returns when done.
    func stop() {
        self.stopping.withLockedValue { $0 = true }
        self.inFlight.wakeSlotWaiter()
    }

    func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.recorder.run() }
            group.addTask { await self.heartbeatLoop() }
            group.addTask { await self.reclaimLoop() }
            group.addTask { await self.watchdogLoop() }
            await self.readLoop()
            await self.drain()
            self.recorder.finish()
            await group.waitForAll()
        }
    }

    // MARK: - Reading

    private func readLoop() async {
        let keys = self.queue.keys
        while !self.isStopping {
            do {
                try await self.client.xgroupCreate(keys.stream, group: keys.group, id: "0", makeStream: true)
                break
            } catch {
                self.logger.warning("cannot create consumer group; retrying", metadata: ["error": "\(error)"])
                await self.pause(.seconds(1))
            }
        }
        await self.readOwnPending()
        var pausedCheck = ContinuousClock.now - .seconds(10)
        var paused = false
        var saturated = false
        while !self.isStopping {
            // After a full batch the queue is backed up: wait for a quarter of the slots, so reads stay large.
            let minimum = saturated ? max(1, self.queue.concurrency / 4) : 1
            let free = await self.inFlight.waitForFreeSlots(limit: self.queue.concurrency, minimum: minimum)
            if self.isStopping { break }
            if ContinuousClock.now - pausedCheck > .seconds(1) {
                pausedCheck = .now
                paused = ((try? await self.client.send(RESPCommand("EXISTS", [keys.paused])))?.int ?? 0) == 1
            }
            if paused {
                await self.pause(.milliseconds(500))
                continue
            }
            do {
                let block = TimeAmount.milliseconds(self.configuration.blockTime.milliseconds)
                let streams = try await self.client.xreadgroup(
                    group: keys.group, consumer: self.configuration.workerID, streams: [(keys.stream, ">")],
                    count: free, block: block)
                let entries = streams[keys.stream] ?? []
                saturated = entries.count >= free
                for entry in entries {
                    self.dispatch(JobEnvelope(entry: entry, deliveryCount: 1))
                }
            } catch let error as RedisServerError where error.isNoGroup {
                // The stream or group was deleted under us: create it again.
                _ = try? await self.client.xgroupCreate(keys.stream, group: keys.group, id: "0", makeStream: true)
            } catch {
                if self.isStopping { break }
                saturated = false
                self.logger.warning("reading the queue failed; retrying", metadata: ["error": "\(error)"])
                await self.pause(.milliseconds(500))
            }
        }
    }

    /// Re-reads entries this consumer name holds from a previous life (crash or restart).
    private func readOwnPending() async {
        let keys = self.queue.keys
        var cursor = "0"
        while !self.isStopping {
            let free = await self.inFlight.waitForFreeSlots(limit: self.queue.concurrency)
            do {
                let streams = try await self.client.xreadgroup(
                    group: keys.group, consumer: self.configuration.workerID, streams: [(keys.stream, cursor)], count: free)
                let entries = streams[keys.stream] ?? []
                if entries.isEmpty { return }
                let counts = try await self.deliveryCounts(entries.map(\.id))
                for entry in entries {
                    self.dispatch(JobEnvelope(entry: entry, deliveryCount: counts[entry.id] ?? 1))
                }
                cursor = entries.last!.id
                self.logger.info("re-read own pending entries", metadata: ["count": "\(entries.count)"])
            } catch {
                self.logger.warning("re-reading own pending entries failed; retrying", metadata: ["error": "\(error)"])
                await self.pause(.seconds(1))
            }
        }
    }

    /// Delivery counts of entries this consumer owns, from `XPENDING`.
    private func deliveryCounts(_ ids: [String]) async throws -> [String: Int] {
        guard let first = ids.first, let last = ids.last else { return [:] }
        let keys = self.queue.keys
        let pending = try await self.client.xpending(
            keys.stream, group: keys.group, start: first, end: last, count: max(ids.count, 1) * 2,
            consumer: self.configuration.workerID)
        var counts: [String: Int] = [:]
        for entry in pending { counts[entry.id] = entry.deliveryCount }
        return counts
    }

    private func dispatch(_ envelope: JobEnvelope) {
        guard self.inFlight.add(envelope.entryID, deadline: .now + .seconds(3600)) else { return }
        let processor = self.processor
        let inFlight = self.inFlight
        let task = Task {
            await processor.process(envelope)
            inFlight.remove(envelope.entryID)
        }
        inFlight.attach(envelope.entryID, task: task)
    }

    // MARK: - Shutdown

    private func drain() async {
        if Task.isCancelled {
            // Cancelled rather than stopped: no grace period; the jobs stay pending for another worker.
            self.stopping.withLockedValue { $0 = true }
            self.inFlight.cancelAll()
            return
        }
        let clock = ContinuousClock()
        let giveUp = clock.now + self.configuration.shutdownGracePeriod
        let running = self.inFlight.count
        if running > 0 {
            self.logger.info("stopping: waiting for running jobs", metadata: ["count": "\(running)"])
        }
        while self.inFlight.count > 0 && clock.now < giveUp && !Task.isCancelled {
            await self.pause(.milliseconds(20), ignoringStop: true)
        }
        let left = self.inFlight.count
        if left > 0 {
            self.logger.warning("grace period over: cancelling running jobs; they stay pending for another worker",
                                metadata: ["count": "\(left)"])
            self.inFlight.cancelAll()
            let hardStop = clock.now + .seconds(2)
            while self.inFlight.count > 0 && clock.now < hardStop && !Task.isCancelled {
                await self.pause(.milliseconds(20), ignoringStop: true)
            }
        }
    }

    // MARK: - Background loops

    /// Renews the claim of running jobs so no other worker reclaims them while they run.
    private func heartbeatLoop() async {
        let keys = self.queue.keys
        while (!self.isStopping || self.inFlight.count > 0) && !Task.isCancelled {
            await self.pause(self.configuration.heartbeatInterval, ignoringStop: true, wakeOnStopIfIdle: true)
            let ids = self.inFlight.entryIDs
            if ids.isEmpty { if self.isStopping { return } else { continue } }
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                do {
                    let lost = try await self.client.eval(
                        EngineScripts.heartbeat, keys: [keys.stream],
                        arguments: [keys.group, self.configuration.workerID] + chunk)
                    // Jobs that finished meanwhile are not "lost": compare with one snapshot of what still runs.
                    let running = Set(self.inFlight.entryIDs)
                    let lostIDs = (lost.array ?? []).compactMap(\.string).filter { running.contains($0) }
                    if !lostIDs.isEmpty {
                        self.logger.debug("running jobs no longer owned (finished or reclaimed)", metadata: ["count": "\(lostIDs.count)"])
                    }
                } catch {
                    self.logger.warning("heartbeat failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Claims entries left by dead consumers, and removes consumers idle with nothing pending.
    private func reclaimLoop() async {
        let keys = self.queue.keys
        var cursor = "0-0"
        var lastConsumerSweep = ContinuousClock.now
        while !self.isStopping {
            await self.pause(self.configuration.reclaimInterval)
            if self.isStopping { return }
            let free = self.queue.concurrency - self.inFlight.count
            if free > 0 {
                do {
                    let claimed = try await self.client.xautoclaim(
                        keys.stream, group: keys.group, consumer: self.configuration.workerID,
                        minIdle: .milliseconds(self.configuration.minIdle.milliseconds), start: cursor, count: min(free, 100))
                    cursor = claimed.nextStart
                    if !claimed.entries.isEmpty {
                        let counts = try await self.deliveryCounts(claimed.entries.map(\.id))
                        self.logger.info("reclaimed entries of a stalled consumer", metadata: ["count": "\(claimed.entries.count)"])
                        for entry in claimed.entries {
                            self.dispatch(JobEnvelope(entry: entry, deliveryCount: counts[entry.id] ?? 2))
                        }
                    }
                } catch {
                    self.logger.warning("reclaim failed", metadata: ["error": "\(error)"])
                }
            }
            if ContinuousClock.now - lastConsumerSweep >= .seconds(min(60, max(1, self.configuration.consumerIdleTimeout.components.seconds / 2))) {
                lastConsumerSweep = .now
                await self.removeIdleConsumers()
            }
        }
    }

    private func removeIdleConsumers() async {
        let keys = self.queue.keys
        do {
            let consumers = try await self.client.xinfoConsumers(keys.stream, group: keys.group)
            let limit = self.configuration.consumerIdleTimeout.milliseconds
            for consumer in consumers {
                guard let name = consumer["name"]?.string, name != self.configuration.workerID,
                    consumer["pending"]?.int == 0,
                    let idle = (consumer["inactive"] ?? consumer["idle"])?.int, idle >= 0, Int64(idle) > limit
                else { continue }
                let removed = try await self.client.eval(EngineScripts.removeIdleConsumer, keys: [keys.stream], arguments: [keys.group, name])
                if removed.int == 1 {
                    self.logger.info("removed idle consumer", metadata: ["consumer": "\(name)"])
                }
            }
        } catch {
            self.logger.debug("idle consumer sweep failed", metadata: ["error": "\(error)"])
        }
    }

    /// Cancels jobs that run past their type's timeout.
    private func watchdogLoop() async {
        while (!self.isStopping || self.inFlight.count > 0) && !Task.isCancelled {
            await self.pause(.milliseconds(100), ignoringStop: true, wakeOnStopIfIdle: true)
            self.inFlight.cancelExpired(now: .now)
        }
    }

    /// Sleeps up to `duration`, in short steps so a stop request is noticed quickly.
    private func pause(_ duration: Duration, ignoringStop: Bool = false, wakeOnStopIfIdle: Bool = false) async {
        let clock = ContinuousClock()
        let end = clock.now + duration
        while clock.now < end && !Task.isCancelled {
            if !ignoringStop && self.isStopping { return }
            if wakeOnStopIfIdle && self.isStopping && self.inFlight.count == 0 { return }
            try? await Task.sleep(for: min(.milliseconds(100), end - clock.now))
        }
    }
}
