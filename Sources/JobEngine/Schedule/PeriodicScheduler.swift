import Foundation
import Logging
import RESP
import RedisClient
import ServiceLifecycle

/// Enqueues periodic jobs (``PeriodicJob``) at their cron ticks: a `Service`, one per worker.
///
/// Every worker runs one over the same list; each tick is enqueued once however many run (see
/// ``ScheduleScripts/enqueueTicks``). The loop sleeps until the earliest next tick of any job
/// (at most ``maximumSleep``, so a wall-clock jump is noticed), then runs one script per due job.
///
/// Missed ticks: `{q}:periodic:<name>:last` holds the newest tick handled by any worker. On start
/// a job that has none gets "now" (so a new job does not catch up its past); after a downtime the
/// ticks since `last` (at most ``lookback`` back) are missed ticks, handled by the job's
/// ``MissedTickPolicy``.
///
/// Time: ``now`` is the wall clock (ms since the epoch) that cron ticks are computed on; the
/// sleeps use the injected `clock`. Tests inject both from one stepped clock.
public final class PeriodicScheduler: Service, Sendable {
    /// The jobs, in declaration order.
    public let jobs: [PeriodicJob]
    private let client: RedisClient
    private let now: @Sendable () -> Int64
    private let clock: EngineClock
    private let logger: Logger
    private let stopping = AsyncSignal(latching: true)

    /// A tick this late or less is on time (the `skip` policy still enqueues it).
    public static let onTimeGrace: Int64 = 60_000
    /// Missed ticks older than this are never caught up.
    public static let lookback: Int64 = 7 * 86_400_000
    /// How long a tick key lives (ms); `last` guards older ticks.
    public static let tickKeyTTL: Int64 = 86_400_000
    /// Longest sleep between two looks at the schedule.
    public static let maximumSleep: Duration = .seconds(60)
    /// Pause after a Redis failure.
    static let failurePause: Duration = .seconds(1)

    /// Creates the scheduler; nothing runs before ``run()``.
    ///
    /// - Parameters:
    ///   - now: wall-clock ms since the epoch (cron ticks are computed on it).
    ///   - clock: what the sleeps between ticks use.
    public init(
        jobs: [PeriodicJob], client: RedisClient,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) },
        clock: any Clock<Duration> = ContinuousClock(), logger: Logger
    ) {
        self.jobs = jobs
        self.client = client
        self.now = now
        self.clock = EngineClock(clock)
        self.logger = logger
    }

    /// Enqueues ticks until a graceful shutdown, cancellation or ``stop()``.
    public func run() async throws {
        guard !self.jobs.isEmpty else { return }
        self.logger.info(
            "periodic scheduler starting",
            metadata: ["periodic.jobs": "\(self.jobs.map(\.name).joined(separator: ","))"])
        await withGracefulShutdownHandler {
            await self.loop()
        } onGracefulShutdown: {
            self.stop()
        }
        self.logger.info("periodic scheduler stopped")
    }

    /// Ends ``run()`` at its next wake-up (at once if it sleeps).
    public func stop() { self.stopping.signal() }

    private var isStopping: Bool { self.stopping.isSignalled || Task.isCancelled }

    private func loop() async {
        var cursors: [String: Int64] = [:]
        while !self.isStopping {
            do {
                cursors = try await self.register()
                break
            } catch {
                self.logger.warning("periodic scheduler cannot reach redis; retrying", metadata: ["error": "\(error)"])
                await self.pause(Self.failurePause)
            }
        }
        while !self.isStopping {
            var failed = false
            for job in self.jobs {
                do {
                    if let cursor = try await self.enqueueDue(job, cursor: cursors[job.name] ?? self.now()) {
                        cursors[job.name] = cursor
                    }
                } catch {
                    failed = true
                    self.logger.warning(
                        "periodic job tick failed; retrying",
                        metadata: ["periodic.name": "\(job.name)", "error": "\(error)"])
                }
            }
            if self.isStopping { break }
            let now = self.now()
            var wait = Self.maximumSleep
            if failed {
                wait = Self.failurePause
            } else if let next = self.jobs.compactMap({
                $0.schedule.nextFire(after: cursors[$0.name] ?? now, in: $0.timeZone)
            }).min() {
                wait = min(wait, .milliseconds(max(0, next - now)))
            }
            await self.pause(wait)
        }
    }

    private func pause(_ duration: Duration) async {
        let stopping = self.stopping
        await self.clock.sleep(for: duration) { await stopping.wait() }
    }

    /// Gives every job without a `last` tick "now", and returns each job's `last`.
    func register() async throws -> [String: Int64] {
        let now = String(self.now())
        let replies = try await self.client.pipeline(
            self.jobs.flatMap {
                [RESPCommand("SET", [$0.lastTickKey, now, "NX"]), RESPCommand("GET", [$0.lastTickKey])]
            })
        var cursors: [String: Int64] = [:]
        for (index, job) in self.jobs.enumerated() {
            let reply = replies[index * 2 + 1]
            if let message = reply.errorMessage { throw RedisServerError(message: message) }
            cursors[job.name] = reply.string.flatMap { Int64($0) } ?? Int64(now)!
        }
        return cursors
    }

    /// Enqueues the due ticks of `job` after `cursor` (the newest tick handled, as last seen);
    /// returns the new cursor, or `nil` when nothing was due.
    func enqueueDue(_ job: PeriodicJob, cursor: Int64) async throws -> Int64? {
        let now = self.now()
        guard let first = job.schedule.nextFire(after: cursor, in: job.timeZone), first <= now else { return nil }
        let plan = Self.plan(job, cursor: cursor, now: now)
        guard let newest = plan.newest else { return nil }
        var fields = [JobEnvelope.Field.jobData, job.jobData, "periodic", job.name]
        if let userID = job.userID { fields += [JobEnvelope.Field.userID, userID] }
        let arguments =
            [String(newest), String(Self.tickKeyTTL), String(now), job.name, String(plan.enqueue.count)]
            + plan.enqueue.map { String($0) } + fields
        let reply = try await self.client.eval(
            ScheduleScripts.enqueueTicks, keys: [job.queue, job.lastTickKey] + plan.enqueue.map(job.tickKey),
            arguments: arguments)
        guard let values = reply.array, values.count == 2, let added = values[0].int,
            let last = values[1].string.flatMap({ Int64($0) })
        else { throw RedisClientError.unexpectedReply("EVALSHA periodic-enqueue", reply) }
        if added > 0 {
            self.logger.info(
                "periodic job enqueued",
                metadata: [
                    "periodic.name": "\(job.name)", "queue": "\(job.queue)", "job.type": "\(job.type)",
                    "count": "\(added)",
                ])
        }
        if plan.dropped > 0 {
            self.logger.notice(
                "periodic job: missed ticks dropped",
                metadata: ["periodic.name": "\(job.name)", "count": "\(plan.dropped)"])
        }
        return last
    }

    /// Which ticks to enqueue, given the newest handled tick and the time: pure.
    struct Plan: Equatable {
        /// Ticks to enqueue, oldest first.
        var enqueue: [Int64]
        /// The newest due tick (becomes `last`), `nil` when none is due.
        var newest: Int64?
        /// Due ticks not enqueued (missed, by policy or cap).
        var dropped: Int
    }

    static func plan(_ job: PeriodicJob, cursor: Int64, now: Int64) -> Plan {
        let keep: Int
        switch job.missedTicks {
        case .skip: keep = 1
        case .catchUp(let limit): keep = max(1, limit)
        }
        var newestTicks: [Int64] = []
        var count = 0
        var position = max(cursor, now - Self.lookback)
        while let next = job.schedule.nextFire(after: position, in: job.timeZone), next <= now {
            count += 1
            newestTicks.append(next)
            if newestTicks.count > keep { newestTicks.removeFirst() }
            position = next
        }
        guard let newest = newestTicks.last else { return Plan(enqueue: [], newest: nil, dropped: 0) }
        var enqueue = newestTicks
        if case .skip = job.missedTicks, now - newest > Self.onTimeGrace { enqueue = [] }
        return Plan(enqueue: enqueue, newest: newest, dropped: count - enqueue.count)
    }

    /// Each job with its next run and last handled tick, read from Redis.
    public func status() async throws -> [PeriodicJobStatus] {
        guard !self.jobs.isEmpty else { return [] }
        let replies = try await self.client.pipeline(self.jobs.map { RESPCommand("GET", [$0.lastTickKey]) })
        let now = self.now()
        return zip(self.jobs, replies).map { job, reply in
            let last = reply.string.flatMap { Int64($0) }
            return PeriodicJobStatus(
                job: job, nextRun: job.schedule.nextFire(after: max(now, last ?? now), in: job.timeZone), lastTick: last
            )
        }
    }
}
