/// How a queue's read rounds share free slots between lanes.
///
/// Each round with `room` free slots first gives `default` and `bulk` their guaranteed shares
/// (``defaultShare`` and ``bulkShare`` of the room, carried over between rounds as credit so a
/// share below one slot still comes round: with 1 free slot per round and a bulk share of 0.1,
/// bulk gets every tenth slot), then `critical` takes what it can of the rest, then `default`,
/// then `bulk`. A lane with nothing waiting gives its share to the others, so a single backlog
/// gets every slot; with backlogs everywhere, critical gets `1 - defaultShare - bulkShare` of
/// the slots and the lower lanes progress at their shares rather than starving.
public struct LaneWeights: Sendable, Hashable {
    /// Fraction of each round's slots kept for `default` while it has a backlog (0...0.5).
    public var defaultShare: Double
    /// Fraction of each round's slots kept for `bulk` while it has a backlog (0...0.5).
    public var bulkShare: Double

    /// `default` 0.2, `bulk` 0.1: critical gets at least 70 % of the slots under full load.
    public static let standard = LaneWeights(defaultShare: 0.2, bulkShare: 0.1)

    /// Shares are clamped to 0...0.5 each (not-a-number counts as 0).
    public init(defaultShare: Double, bulkShare: Double) {
        func clamp(_ value: Double) -> Double { value.isNaN ? 0 : min(0.5, max(0, value)) }
        self.defaultShare = clamp(defaultShare)
        self.bulkShare = clamp(bulkShare)
    }
}
