import Logging
import NIOConcurrencyHelpers
import NIOCore
import RESP
import RedisClient
import Synchronization

/// Consumes one queue: reads entries into free slots, runs them, renews their claims, reclaims
/// entries of dead consumers, and cancels jobs past their timeout.
///
/// Structure: ``run()`` owns a task group with the outcome recorder, the heartbeat, the watchdog
/// and the shield for cancelled jobs; inside it, a discarding task group of the jobs, to which
/// the read loop adds one child task per entry. Nothing polls: the reader waits for slots on a
/// continuation resumed when outcomes are written, sleeps are cut short by ``stop()``, and the
/// watchdog sleeps until the earliest deadline. Time comes from ``EngineConfiguration/clock``.
///
/// Lanes: a queue is three streams (``JobPriority``), each with the same group; every command
/// on an entry goes to the stream of its lane. While a lane has a backlog the reader reads with
/// ``EngineScripts/readLanes`` (one round trip, higher lanes first, lower ones get their
/// ``LaneWeights`` shares); once a round finds nothing it blocks in one `XREADGROUP` on the three
/// streams, so a new job of any lane wakes it at once.
///
/// Start-up: the group is created on each lane stream (`XGROUP CREATE s g 0 MKSTREAM`,
/// BUSYGROUP is fine), then this consumer's own pending entries are re-read (`XREADGROUP ... 0`)
/// before new ones (`>`).
/// Stop: reading stops, running jobs get the grace period, jobs still running after it are
/// cancelled and stay pending for another worker, and the last outcomes are written.
final class QueueConsumer: Sendable {
    let queue: QueueConfiguration
    private let client: RedisClient
    private let configuration: EngineConfiguration
    private let logger: Logger
    private let clock: EngineClock
    let inFlight: InFlightJobs
    let recorder: OutcomeRecorder
    private let processor: JobProcessor
    private let shield: ShieldedRunner
    /// Whether a tracer is in force, looked up once per ``run()`` (the tracing API's lookup costs
    /// more than a no-op job): without one, jobs start no span at all.
    private let tracesJobs = Atomic<Bool>(false)
    /// Set by ``stop()`` (or cancellation): stop reading and drain.
    private let stopping = AsyncSignal(latching: true)
    /// Set once every job ended: the heartbeat and the watchdog end.
    private let jobsDone = AsyncSignal(latching: true)

    /// What the last check of the queue's pause key found (operators, tests).
    let pausedSeen = NIOLockedValueBox(false)

    init(queue: QueueConfiguration, registry: JobRegistry, client: RedisClient, configuration: EngineConfiguration,
         logger: Logger) {
        self.queue = queue
        self.client = client
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "queue"] = "\(queue.keys.stream)"
        self.logger = logger
        let clock = EngineClock(configuration.clock)
        self.clock = clock
        let inFlight = InFlightJobs(limit: queue.concurrency)
        self.inFlight = inFlight
        let recorder = OutcomeRecorder(keys: queue.keys, client: client, configuration: configuration, clock: clock,
                                       inFlight: inFlight, logger: logger)
        self.recorder = recorder
        let shield = ShieldedRunner()
        self.shield = shield
        let stopping = self.stopping
        self.processor = JobProcessor(
            keys: queue.keys, registry: registry, client: client, configuration: configuration, clock: clock, recorder: recorder,
            inFlight: inFlight, shield: shield, logger: logger, isStopping: { stopping.isSignalled })
    }

    /// `true` once ``stop()`` was called, or when the calling task is cancelled (the engine's task was
    /// cancelled rather than gracefully stopped): every loop then ends instead of spinning.
    var isStopping: Bool { self.stopping.isSignalled || Task.isCancelled }

    /// Asks the consumer to stop reading and drain; ``run()`` returns when done.
    func stop() {
        self.stopping.signal()
        self.inFlight.wakeSlotWaiter()
    }

    func run() async {
        guard self.configuration.runsJobsOnEventLoop && self.queue.runsJobsOnEventLoop else { return await self.runOnPreferredExecutor() }
        // See `EngineConfiguration.runsJobsOnEventLoop`; the child tasks inherit the preference.
        let executor = EventLoopTaskExecutor(self.client.eventLoopGroup.next())
        await withTaskExecutorPreference(executor) {
            await self.runOnPreferredExecutor()
        }
    }

    private func runOnPreferredExecutor() async {
        self.tracesJobs.store(JobTracing.isTracing, ordering: .relaxed)
        await withTaskGroup(of: Void.self) { services in
            services.addTask { await self.recorder.run() }
            services.addTask { await self.shield.run() }
            services.addTask { await self.heartbeatLoop() }
            services.addTask { await self.inFlight.runWatchdog(clock: self.clock, until: self.jobsDone) }
            await withTaskCancellationHandler {
                await withDiscardingTaskGroup { jobs in
                    await self.readLoop(&jobs)
                    await self.drain(&jobs)
                }
            } onCancel: {
                self.stop()
            }
            self.jobsDone.signal()
            self.shield.finish()
            self.recorder.finish()
            await services.waitForAll()
        }
    }

    /// Runs one job as a child of the jobs' group; its slot is taken already.
    private func start(_ envelope: JobEnvelope, in jobs: inout DiscardingTaskGroup) {
        let processor = self.processor
        let inFlight = self.inFlight
        let traced = self.tracesJobs.load(ordering: .relaxed)
        jobs.addTask {
            let handedOver = await processor.process(envelope, traced: traced)
            if !handedOver {
                inFlight.remove(CollectionOfOne(envelope.slotKey))
            }
        }
    }

    /// Takes slots for `envelopes` and starts those not already running here.
    private func dispatch(_ envelopes: [JobEnvelope], in jobs: inout DiscardingTaskGroup) {
        let added = self.inFlight.add(envelopes.lazy.map(\.slotKey))
        if added.count == envelopes.count {
            for envelope in envelopes { self.start(envelope, in: &jobs) }
        } else {
            let fresh = Set(added)
            for envelope in envelopes where fresh.contains(envelope.slotKey) { self.start(envelope, in: &jobs) }
        }
    }

    /// Sleeps `duration`, less when ``stop()`` is called.
    private func pause(_ duration: Duration) async {
        let stopping = self.stopping
        await self.clock.sleep(for: duration) { await stopping.wait() }
    }

    // MARK: - Reading

    /// How long one lane with a backlog is read alone, with plain `XREADGROUP`s, before the lanes
    /// are looked at again with ``EngineScripts/readLanes``. The script costs Redis more per
    /// read (its entries pass through Lua: a fifth of the drain rate of a single backlog); this
    /// keeps that path as cheap as before lanes, at the price of a job arriving in another lane
    /// meanwhile waiting up to this long.
    static let soleLaneInterval: Duration = .milliseconds(20)

    /// Creates the group on every lane stream; returns `false` when one failed.
    private func createGroups() async -> Bool {
        let keys = self.queue.keys
        do {
            for stream in keys.laneStreams {
                try await self.client.xgroupCreate(stream, group: keys.group, id: "0", makeStream: true)
            }
            return true
        } catch {
            self.logger.warning("cannot create consumer group; retrying", metadata: ["error": "\(error)"])
            return false
        }
    }

    private func readLoop(_ jobs: inout DiscardingTaskGroup) async {
        let keys = self.queue.keys
        while !self.isStopping {
            if await self.createGroups() { break }
            await self.pause(.seconds(1))
        }
        // Replies lost with a connection (a timed-out read, a restart, a failover) may have delivered
        // entries to this consumer that it never saw: they sit in its pending list. Re-read them at
        // once after such a loss rather than waiting `minIdle` for the reclaim.
        var seenReconnections = self.client.reconnections
        var ownPendingInDoubt = false
        for lane in JobPriority.readingOrder {
            await self.readOwnPending(lane, &jobs)
        }
        var schedule = ConsumerSchedule(
            start: self.clock.now, reclaimInterval: self.configuration.reclaimInterval,
            sweepInterval: ConsumerSchedule.sweepInterval(consumerIdleTimeout: self.configuration.consumerIdleTimeout))
        var planner = LanePlanner(weights: self.queue.laneWeights)
        var paused = false
        var saturated = false
        // `true` once a round found every lane empty: the next reads block on all three streams.
        var idle = false
        // Set when a lane-ordered read filled every slot from one lane, the others empty: until
        // then, that lane is read with a plain XREADGROUP (see `soleLaneInterval`).
        var soleLane: (lane: JobPriority, until: Duration)?
        var reclaimCursors = ["0-0", "0-0", "0-0"]
        while !self.isStopping {
            // After a full batch the queue is backed up: wait for a quarter of the slots, so reads stay large.
            let minimum = saturated ? max(1, self.queue.concurrency / 4) : 1
            let free = await self.inFlight.waitForFreeSlots(minimum: minimum)
            if self.isStopping { break }
            if free == 0 { continue }
            let reconnections = self.client.reconnections
            if ownPendingInDoubt || reconnections != seenReconnections {
                ownPendingInDoubt = false
                seenReconnections = reconnections
                self.logger.info("connection lost or failed over: re-reading own pending entries")
                for lane in JobPriority.readingOrder {
                    await self.readOwnPending(lane, &jobs)
                }
                continue
            }
            let chores = schedule.chores(now: self.clock.now)
            if chores.checkPaused {
                paused = ((try? await self.client.send(RESPCommand("EXISTS", [keys.paused])))?.int ?? 0) == 1
                self.pausedSeen.withLockedValue { $0 = paused }
            }
            if paused {
                await self.pause(.milliseconds(500))
                continue
            }
            if chores.reclaim {
                for lane in JobPriority.readingOrder {
                    reclaimCursors[lane.index] = await self.reclaim(lane, from: reclaimCursors[lane.index], free: free, into: &jobs)
                }
            }
            if chores.sweep {
                await self.removeIdleConsumers()
            }
            let room = self.inFlight.freeSlotsNow
            if room == 0 { continue }
            do {
                let read: LaneRead
                if idle {
                    // XREADGROUP's COUNT applies per stream: a third of the room each keeps the
                    // total within the room however many lanes have entries (with fewer than 3
                    // free slots, entries arriving on several lanes at once may take up to 2 more
                    // than the free slots, briefly: one read per lane).
                    let count = max(1, room / 3)
                    let block = schedule.blockTime(now: self.clock.now, maximum: self.configuration.blockTime)
                    let streams = try await self.client.xreadgroup(
                        group: keys.group, consumer: self.configuration.workerID,
                        streams: keys.laneStreams.map { ($0, ">") }, count: count, block: .milliseconds(block.milliseconds))
                    read = LaneRead(streams: streams, keys: keys)
                    // A full stream may hold more: back to the lane-ordered reads.
                    idle = !JobPriority.readingOrder.contains { read[$0].count >= count }
                    saturated = false
                } else if let sole = soleLane, self.clock.now < sole.until {
                    // One lane has a backlog and the others had none a moment ago: read it as
                    // before lanes existed (one plain XREADGROUP, no script).
                    let stream = keys.stream(for: sole.lane)
                    let streams = try await self.client.xreadgroup(
                        group: keys.group, consumer: self.configuration.workerID, streams: [(stream, ">")], count: room)
                    read = LaneRead(streams: streams, keys: keys)
                    if read.count < room { soleLane = nil }
                    idle = read.count == 0
                    saturated = read.count >= room
                } else {
                    let plan = planner.plan(room: room)
                    let reply = try await self.client.eval(
                        EngineScripts.readLanes, keys: keys.laneStreams,
                        arguments: [keys.group, self.configuration.workerID, String(room), String(plan.defaultMinimum),
                                    String(plan.bulkMinimum)])
                    read = try LaneRead(reply: reply)
                    planner.record(plan, defaultRead: read[.default].count, bulkRead: read[.bulk].count)
                    soleLane = nil
                    if read.count >= room, let lane = JobPriority.readingOrder.first(where: { read[$0].count == read.count }) {
                        soleLane = (lane, self.clock.now + Self.soleLaneInterval)
                    }
                    idle = read.count == 0
                    // While critical jobs are being read, every freed slot is read at once (no
                    // waiting for a quarter of them): a critical backlog then waits for one job to
                    // end, not for a quarter of the slots.
                    saturated = read.count >= room && read[.critical].isEmpty
                }
                if read.count > 0 {
                    self.dispatch(read.envelopes(), in: &jobs)
                }
            } catch let error as RedisServerError where error.isNoGroup {
                // A stream or group was deleted under us: create them again.
                _ = await self.createGroups()
            } catch {
                if self.isStopping { break }
                saturated = false
                // The reply may be lost with entries already delivered to us: re-read them first.
                ownPendingInDoubt = true
                self.logger.warning("reading the queue failed; retrying", metadata: ["error": "\(error)"])
                await self.pause(.milliseconds(500))
            }
        }
    }

    /// Re-reads entries this consumer name holds on one lane: from a previous life (crash or restart),
    /// or whose delivery reply was lost with a connection. Entries already running here are not
    /// started again (``InFlightJobs/add(_:)`` skips them), nor entries no longer pending (finished meanwhile).
    private func readOwnPending(_ lane: JobPriority, _ jobs: inout DiscardingTaskGroup) async {
        let keys = self.queue.keys
        let stream = keys.stream(for: lane)
        var cursor = "0"
        while !self.isStopping {
            let free = await self.inFlight.waitForFreeSlots()
            if self.isStopping { return }
            if free == 0 { continue }
            do {
                let streams = try await self.client.xreadgroup(
                    group: keys.group, consumer: self.configuration.workerID, streams: [(stream, cursor)], count: free)
                let entries = streams[stream] ?? []
                if entries.isEmpty { return }
                let counts = try await self.deliveryCounts(entries.map(\.id), stream: stream)
                // An entry missing from XPENDING was acknowledged since the read (it ran here): skip it.
                self.dispatch(
                    entries.compactMap { entry in counts[entry.id].map { JobEnvelope(entry: entry, deliveryCount: $0, lane: lane) } },
                    in: &jobs)
                cursor = entries.last!.id
                self.logger.info("re-read own pending entries", metadata: ["count": "\(entries.count)", "lane": "\(lane.rawValue)"])
            } catch let error as RedisServerError where error.isNoGroup {
                // The stream or group was deleted since it was created: nothing of ours is pending
                // any more; the read loop creates the group again.
                return
            } catch {
                self.logger.warning("re-reading own pending entries failed; retrying", metadata: ["error": "\(error)"])
                await self.pause(.seconds(1))
            }
        }
    }

    /// Delivery counts of entries this consumer owns on one lane stream, from `XPENDING`.
    private func deliveryCounts(_ ids: [String], stream: String) async throws -> [String: Int] {
        guard let first = ids.first, let last = ids.last else { return [:] }
        let keys = self.queue.keys
        let pending = try await self.client.xpending(
            stream, group: keys.group, start: first, end: last, count: max(ids.count, 1) * 2,
            consumer: self.configuration.workerID)
        var counts: [String: Int] = [:]
        for entry in pending { counts[entry.id] = entry.deliveryCount }
        return counts
    }

    // MARK: - Shutdown

    private func drain(_ jobs: inout DiscardingTaskGroup) async {
        if Task.isCancelled {
            // Cancelled rather than stopped: no grace period; the jobs stay pending for another worker.
            self.inFlight.cancelAll()
            jobs.cancelAll()
            return
        }
        let running = self.inFlight.count
        if running > 0 {
            self.logger.info("stopping: waiting for running jobs", metadata: ["count": "\(running)"])
        }
        let result = await self.inFlight.drain(
            gracePeriod: self.configuration.shutdownGracePeriod, hardStop: .seconds(2), clock: self.clock)
        if case .cancelled(let cancelled, let left) = result {
            self.logger.warning("grace period over: cancelled running jobs; they stay pending for another worker",
                                metadata: ["count": "\(cancelled)", "left": "\(left)"])
            if left > 0 { jobs.cancelAll() }
        }
    }

    // MARK: - Background loops

    /// Renews the claim of running jobs so no other worker reclaims them while they run.
    private func heartbeatLoop() async {
        let keys = self.queue.keys
        let done = self.jobsDone
        while !done.isSignalled && !Task.isCancelled {
            await self.clock.sleep(for: self.configuration.heartbeatInterval) { await done.wait() }
            let slotKeys = self.inFlight.entryIDs
            if slotKeys.isEmpty { continue }
            for (lane, ids) in LaneEntry.group(slotKeys) {
                for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                    do {
                        let lost = try await self.client.eval(
                            EngineScripts.heartbeat, keys: [keys.stream(for: lane)],
                            arguments: [keys.group, self.configuration.workerID] + chunk)
                        // Jobs that finished meanwhile are not "lost": compare with one snapshot of what still runs.
                        let running = Set(self.inFlight.entryIDs)
                        let lostIDs = (lost.array ?? []).compactMap(\.string).filter { running.contains(LaneEntry(lane: lane, id: $0).key) }
                        if !lostIDs.isEmpty {
                            self.logger.debug("running jobs no longer owned (finished or reclaimed)", metadata: ["count": "\(lostIDs.count)"])
                        }
                    } catch {
                        self.logger.warning("heartbeat failed", metadata: ["error": "\(error)"])
                    }
                }
            }
        }
    }

    /// Claims up to `free` entries of one lane left by dead consumers (idle past `minIdle`) and
    /// starts them; returns the cursor of the lane's next scan.
    private func reclaim(_ lane: JobPriority, from cursor: String, free: Int, into jobs: inout DiscardingTaskGroup) async -> String {
        let keys = self.queue.keys
        let stream = keys.stream(for: lane)
        let room = min(free, self.inFlight.freeSlotsNow)
        if room == 0 { return cursor }
        do {
            let claimed = try await self.client.xautoclaim(
                stream, group: keys.group, consumer: self.configuration.workerID,
                minIdle: .milliseconds(self.configuration.minIdle.milliseconds), start: cursor, count: min(room, 100))
            if !claimed.entries.isEmpty {
                let counts = try await self.deliveryCounts(claimed.entries.map(\.id), stream: stream)
                self.logger.info("reclaimed entries of a stalled consumer", metadata: ["count": "\(claimed.entries.count)", "lane": "\(lane.rawValue)"])
                self.dispatch(claimed.entries.map { JobEnvelope(entry: $0, deliveryCount: counts[$0.id] ?? 2, lane: lane) }, in: &jobs)
            }
            return claimed.nextStart
        } catch {
            self.logger.warning("reclaim failed", metadata: ["error": "\(error)"])
            return cursor
        }
    }

    /// Removes consumers idle with nothing pending, from the group of each lane stream.
    private func removeIdleConsumers() async {
        for stream in self.queue.keys.laneStreams {
            await self.removeIdleConsumers(stream: stream)
        }
    }

    private func removeIdleConsumers(stream: String) async {
        let keys = self.queue.keys
        do {
            let consumers = try await self.client.xinfoConsumers(stream, group: keys.group)
            let limit = self.configuration.consumerIdleTimeout.milliseconds
            for consumer in consumers {
                guard let name = consumer["name"]?.string, name != self.configuration.workerID,
                    consumer["pending"]?.int == 0,
                    let idle = (consumer["inactive"] ?? consumer["idle"])?.int, idle >= 0, Int64(idle) > limit
                else { continue }
                let removed = try await self.client.eval(EngineScripts.removeIdleConsumer, keys: [stream], arguments: [keys.group, name])
                if removed.int == 1 {
                    self.logger.info("removed idle consumer", metadata: ["consumer": "\(name)"])
                }
            }
        } catch {
            self.logger.debug("idle consumer sweep failed", metadata: ["error": "\(error)"])
        }
    }
}
