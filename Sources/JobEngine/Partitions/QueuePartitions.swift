/// How many partitions each logical queue has (`BLUEPRINT_PARTITIONS`), and the naming and
/// routing rules every producer must follow (docs/protocol.md, "Partitioned queues").
///
/// A partitioned queue is N queues of the ordinary layout (``QueueKeys``), each in its own
/// Redis Cluster slot: partition 0 is the logical name itself (`email_queue`, so a producer that
/// knows nothing of partitions still adds to a queue that is read), partition i ≥ 1 is
/// `email_queue~i`, with its companion keys `{email_queue~i}:delayed` and so on. Queues not listed
/// have one partition.
///
/// Routing (``partition(forKey:count:)``): FNV-1a (32 bit) of the UTF-8 bytes of `user_id`,
/// modulo N; with no `user_id`, of the idempotency key; with neither, round robin.
public struct QueuePartitions: Sendable, Hashable {
    /// Between the logical name and the partition number of a physical queue name.
    ///
    /// `~` because queue names may not contain braces (they would change the hash slot), spaces or
    /// `~` (so no configured queue can collide with a partition), and because it is not special
    /// in Redis key patterns.
    public static let separator: Character = "~"
    /// The most partitions a queue may have.
    public static let maximumCount = 256

    /// Partition counts above 1, by logical queue name.
    public private(set) var counts: [String: Int]

    /// No queue partitioned.
    public static let none = QueuePartitions()

    /// Partition counts by logical queue; counts of 1 or less are dropped, counts above
    /// ``maximumCount`` clamped (``parse(_:knownQueues:)`` reports them instead).
    public init(_ counts: [String: Int] = [:]) {
        self.counts = counts.filter { $0.value > 1 }.mapValues { min($0, Self.maximumCount) }
    }

    /// The number of partitions of `queue` (1 when it is not partitioned).
    public func count(for queue: String) -> Int {
        self.counts[queue] ?? 1
    }

    /// Whether no queue is partitioned.
    public var isEmpty: Bool { self.counts.isEmpty }

    /// The physical queue names of `queue`, partition 0 first.
    public func physicalNames(of queue: String) -> [String] {
        (0..<self.count(for: queue)).map { Self.physicalName(queue, partition: $0) }
    }

    /// The physical name of partition `partition` of `queue`: `queue` for 0, `queue~i` otherwise.
    public static func physicalName(_ queue: String, partition: Int) -> String {
        partition == 0 ? queue : "\(queue)\(Self.separator)\(partition)"
    }

    /// The partition a routing key (`user_id`, else the idempotency key) goes to: FNV-1a 32 of
    /// its UTF-8 bytes, modulo `count`.
    ///
    /// Test vectors (count 4): `""` → 1 (hash 0x811c9dc5), `"a"` → 0 (0xe40c292c),
    /// `"user-42"` → 3 (0x026073ab).
    public static func partition(forKey key: String, count: Int) -> Int {
        guard count > 1 else { return 0 }
        return Int(Self.fnv1a32(key) % UInt32(count))
    }

    /// FNV-1a, 32 bit, of the UTF-8 bytes of `text`.
    public static func fnv1a32(_ text: String) -> UInt32 {
        var hash: UInt32 = 0x811c_9dc5
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash &*= 0x0100_0193
        }
        return hash
    }
}
