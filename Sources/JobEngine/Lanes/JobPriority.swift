/// The lane of a queue a job waits in: higher lanes are read first, lower ones are never starved
/// (see ``LaneWeights``).
///
/// Each lane is its own stream (a field on one stream could not jump a backlog): `default` is the
/// plain queue stream `q`, so a producer's `XADD q * job_data ...` lands there unchanged;
/// `critical` is `{q}:critical` and `bulk` is `{q}:bulk`, both in `q`'s hash slot. The stream an
/// entry is on decides its lane; the `priority` field only records it (and routes retries).
public enum JobPriority: String, Sendable, Hashable, CaseIterable, Codable {
    /// Codes and identity checks: a user waits on them.
    case critical
    /// Everything not declared otherwise, and every plain `XADD` on the queue stream.
    case `default`
    /// Notifications and other fan-out: may wait behind the other lanes.
    case bulk

    /// The lanes in reading order, highest first.
    public static let readingOrder: [JobPriority] = [.critical, .default, .bulk]

    /// The lane of a `priority` field value; `nil` for anything else (case-sensitive, as on the wire).
    public init?(field: String?) {
        guard let field, let lane = JobPriority(rawValue: field) else { return nil }
        self = lane
    }

    /// Index in ``readingOrder`` (0 = critical).
    var index: Int {
        switch self {
        case .critical: 0
        case .default: 1
        case .bulk: 2
        }
    }
}
