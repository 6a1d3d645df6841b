/// Decides each read round's guaranteed shares of the lower lanes. Pure: no I/O, no clock.
///
/// Shares are kept as credit in thousandths of a slot: every round adds `room × share` to a
/// lane's credit, the round guarantees the lane the whole slots of its credit, and what the lane
/// took of them is spent. A lane that took fewer than guaranteed had nothing more waiting: its
/// credit is dropped, so an idle lane cannot save up a burst. See ``LaneWeights``.
struct LanePlanner: Sendable, Equatable {
    /// The guaranteed slots of one round (``EngineScripts/readLanes`` ARGV 4 and 5).
    struct Plan: Equatable, Sendable {
        var defaultMinimum: Int
        var bulkMinimum: Int
    }

    private let defaultShare: Int
    private let bulkShare: Int
    private(set) var defaultCredit = 0
    private(set) var bulkCredit = 0

    init(weights: LaneWeights) {
        self.defaultShare = Int((weights.defaultShare * 1000).rounded())
        self.bulkShare = Int((weights.bulkShare * 1000).rounded())
    }

    /// The guaranteed shares of a round with `room` free slots (both 0 when `room` is not positive).
    mutating func plan(room: Int) -> Plan {
        guard room > 0 else { return Plan(defaultMinimum: 0, bulkMinimum: 0) }
        // Capped so the credit stays bounded whatever the rounds look like.
        let cap = (room + 1) * 1000
        self.defaultCredit = min(cap, self.defaultCredit + room * self.defaultShare)
        self.bulkCredit = min(cap, self.bulkCredit + room * self.bulkShare)
        let defaultMinimum = min(room, self.defaultCredit / 1000)
        let bulkMinimum = min(room - defaultMinimum, self.bulkCredit / 1000)
        return Plan(defaultMinimum: defaultMinimum, bulkMinimum: bulkMinimum)
    }

    /// Spends the credit of what the round read per lane (entries of `default` and `bulk`).
    mutating func record(_ plan: Plan, defaultRead: Int, bulkRead: Int) {
        self.defaultCredit = Self.spend(self.defaultCredit, granted: plan.defaultMinimum, read: defaultRead)
        self.bulkCredit = Self.spend(self.bulkCredit, granted: plan.bulkMinimum, read: bulkRead)
    }

    private static func spend(_ credit: Int, granted: Int, read: Int) -> Int {
        if read < granted { return 0 }
        return max(0, credit - granted * 1000)
    }
}
