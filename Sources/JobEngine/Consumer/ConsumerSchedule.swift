/// When the read loop does its periodic chores: look at the pause flag, reclaim entries of dead
/// consumers, sweep idle consumers. Pure: times are ``EngineClock`` durations.
///
/// The read loop asks ``chores(now:)`` before each read and blocks in `XREADGROUP` no longer
/// than ``blockTime(now:maximum:)``, so chores run on time on an idle queue too.
struct ConsumerSchedule: Equatable {
    /// How often the `{q}:paused` flag is read.
    let pausedCheckInterval: Duration
    let reclaimInterval: Duration
    let sweepInterval: Duration
    private(set) var nextPausedCheck: Duration
    private(set) var nextReclaim: Duration
    private(set) var nextSweep: Duration

    /// The pause flag is checked at once; the first reclaim and sweep come one interval after `start`.
    init(start: Duration, pausedCheckInterval: Duration = .seconds(1), reclaimInterval: Duration, sweepInterval: Duration) {
        self.pausedCheckInterval = pausedCheckInterval
        self.reclaimInterval = reclaimInterval
        self.sweepInterval = sweepInterval
        self.nextPausedCheck = start
        self.nextReclaim = start + reclaimInterval
        self.nextSweep = start + sweepInterval
    }

    /// The sweep interval for a consumer idle timeout: half of it, between 1 and 60 seconds.
    static func sweepInterval(consumerIdleTimeout: Duration) -> Duration {
        .seconds(min(60, max(1, consumerIdleTimeout.components.seconds / 2)))
    }

    struct Chores: Equatable {
        var checkPaused = false
        var reclaim = false
        var sweep = false
    }

    /// The chores due at `now`; each is scheduled again one interval after `now`.
    mutating func chores(now: Duration) -> Chores {
        var chores = Chores()
        if now >= self.nextPausedCheck {
            chores.checkPaused = true
            self.nextPausedCheck = now + self.pausedCheckInterval
        }
        if now >= self.nextReclaim {
            chores.reclaim = true
            self.nextReclaim = now + self.reclaimInterval
        }
        if now >= self.nextSweep {
            chores.sweep = true
            self.nextSweep = now + self.sweepInterval
        }
        return chores
    }

    /// How long a blocking read may wait: until the next chore, at most `maximum`, at least 1 ms
    /// (`BLOCK 0` would wait forever).
    func blockTime(now: Duration, maximum: Duration) -> Duration {
        let next = min(self.nextPausedCheck, self.nextReclaim, self.nextSweep)
        return max(.milliseconds(1), min(maximum, next - now))
    }
}
