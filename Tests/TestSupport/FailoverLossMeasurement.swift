import Foundation
import RESP
import RedisClient

/// Measures how many acknowledged writes an unplanned failover loses: producers `XADD` to one
/// stream as fast as they can (optionally each followed by `WAIT`), the master is killed, writes
/// go on through the failover, then the stream on the new master is compared with every entry ID
/// a producer was given. A measurement that prints, not a check: run it with
/// `BLUEPRINT_MEASURE_FAILOVER_LOSS=1` (scripts/measure-failover-loss.sh).
public enum FailoverLossMeasurement {
    /// Whether the measurements run (they kill masters and take a while; not part of `make test`).
    public static var isEnabled: Bool { ProcessInfo.processInfo.environment["BLUEPRINT_MEASURE_FAILOVER_LOSS"] == "1" }

    /// Rounds per mode (`FAILOVER_LOSS_ROUNDS`, default 3).
    public static var rounds: Int {
        max(1, Int(ProcessInfo.processInfo.environment["FAILOVER_LOSS_ROUNDS"] ?? "") ?? 3)
    }

    /// The figures of one round.
    public struct Report: Sendable, CustomStringConvertible {
        public var mode: String
        /// `WAIT n` after each `XADD`, or `nil`.
        public var waitReplicas: Int?
        /// Writes the producers got an ID for (with `WAIT`: and enough replica acknowledgements).
        public var acknowledged: Int
        /// Writes acknowledged before the kill.
        public var acknowledgedBeforeKill: Int
        /// Acknowledged writes missing from the stream afterwards.
        public var lost: Int
        /// Writes that got an ID but too few replica acknowledgements (not counted as acknowledged).
        public var shortOfReplicas: Int
        /// Writes that failed (connection errors, timeouts, redirects given up).
        public var failed: Int
        /// Acknowledged writes per second before the kill.
        public var writesPerSecond: Double
        /// The longest time without an acknowledged write from the kill on (seconds).
        public var secondsWithoutWrites: Double

        public var description: String {
            let lossTime = self.writesPerSecond > 0 ? Double(self.lost) / self.writesPerSecond * 1000 : 0
            return
                "acknowledged-write loss, \(self.mode), \(self.waitReplicas.map { "XADD + WAIT \($0)" } ?? "XADD only"): "
                + "lost \(self.lost) of \(self.acknowledged) acknowledged (\(self.acknowledgedBeforeKill) before the kill; "
                + String(format: "%.0f writes/s, loss = %.1f ms of writes", self.writesPerSecond, lossTime)
                + "), short of replicas \(self.shortOfReplicas), failed \(self.failed), "
                + String(format: "%.2f s without an acknowledged write", self.secondsWithoutWrites)
        }
    }

    private struct Tally {
        var ids: [String] = []
        var shortOfReplicas = 0
        var failed = 0
        var lastAcknowledged = ContinuousClock.now
        var longestGapAfterKill: Duration = .zero
        var killedAt: ContinuousClock.Instant?
        var beforeKill = 0
    }

    /// Writes to `key` with `producers` concurrent writers; after `warmup`, calls `kill` (which
    /// calls `markKilled` just before the signal and returns once a new master serves the key), writes on for `after`, then counts the
    /// acknowledged entries missing from the stream (read through `client`). Deletes `key`.
    public static func measure(
        mode: String, client: RedisClient, key: String, waitReplicas: Int?, producers: Int = 8,
        warmup: Duration = .seconds(2), after: Duration = .seconds(2),
        kill: @escaping @Sendable (_ markKilled: @escaping @Sendable () -> Void) async throws -> Void
    ) async throws -> Report {
        let tally = LockedBox(Tally())
        let stop = LockedBox(false)
        let clock = ContinuousClock()
        let started = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for producer in 0..<producers {
                group.addTask {
                    var sequence = 0
                    while !stop.withLock({ $0 }) {
                        sequence += 1
                        let xadd = RESPCommand("XADD", [key, "*", "p", String(producer), "n", String(sequence)])
                        do {
                            let id: String?
                            var acknowledged = true
                            if let waitReplicas {
                                let replies = try await client.pipeline(
                                    [xadd, RESPCommand("WAIT", [String(waitReplicas), "1000"])])
                                id = replies.first?.string
                                acknowledged = (replies.last?.int ?? 0) >= waitReplicas
                            } else {
                                id = try await client.send(xadd).string
                            }
                            let now = clock.now
                            tally.withLock { tally in
                                guard let id else {
                                    tally.failed += 1
                                    return
                                }
                                guard acknowledged else {
                                    tally.shortOfReplicas += 1
                                    return
                                }
                                tally.ids.append(id)
                                if let killedAt = tally.killedAt {
                                    let gap = now - max(tally.lastAcknowledged, killedAt)
                                    tally.longestGapAfterKill = max(tally.longestGapAfterKill, gap)
                                }
                                tally.lastAcknowledged = now
                            }
                        } catch {
                            tally.withLock { $0.failed += 1 }
                            try? await Task.sleep(for: .milliseconds(20))
                        }
                    }
                }
            }
            group.addTask {
                defer { stop.withLock { $0 = true } }
                try await Task.sleep(for: warmup)
                try await kill {
                    tally.withLock { tally in
                        tally.killedAt = clock.now
                        tally.beforeKill = tally.ids.count
                    }
                }
                try await Task.sleep(for: after)
            }
            try await group.waitForAll()
        }
        let final = tally.withLock { $0 }
        // Everything the new master holds, in pages.
        var present = Set<String>()
        var start = "-"
        while true {
            let page = try await client.xrange(key, start: start, count: 2_000)
            for entry in page { present.insert(entry.id) }
            guard let last = page.last, page.count == 2_000 else { break }
            start = "(" + last.id
        }
        _ = try? await client.send("DEL", key)
        let killedAt = final.killedAt ?? started
        let before = started.duration(to: killedAt).components
        let beforeSeconds = Double(before.seconds) + Double(before.attoseconds) / 1e18
        let gap = final.longestGapAfterKill
        return Report(
            mode: mode, waitReplicas: waitReplicas, acknowledged: final.ids.count,
            acknowledgedBeforeKill: final.beforeKill,
            lost: final.ids.count { !present.contains($0) }, shortOfReplicas: final.shortOfReplicas,
            failed: final.failed,
            writesPerSecond: beforeSeconds > 0 ? Double(final.beforeKill) / beforeSeconds : 0,
            secondsWithoutWrites: Double(gap.components.seconds) + Double(gap.components.attoseconds) / 1e18)
    }
}
