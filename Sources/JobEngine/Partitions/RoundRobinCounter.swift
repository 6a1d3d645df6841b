import Synchronization

/// A counter shared by copies of a ``JobProducer``: the round-robin choice of a partition for
/// jobs with no routing key.
final class RoundRobinCounter: Sendable {
    private let next = Atomic<UInt64>(0)

    /// The next number (0, 1, 2 ...), wrapping.
    func take() -> UInt64 {
        self.next.wrappingAdd(1, ordering: .relaxed).oldValue
    }
}
