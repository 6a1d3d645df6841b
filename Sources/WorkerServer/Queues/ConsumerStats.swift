/// One consumer of a queue's group (`XINFO CONSUMERS`).
public struct ConsumerStats: Sendable, Codable, Equatable {
    /// The consumer name (`BLUEPRINT_WORKER_ID` of the worker that created it).
    public var name: String
    /// Entries it holds unacknowledged.
    public var pending: Int
    /// Milliseconds since it last read or claimed.
    public var idleMilliseconds: Int
    /// Milliseconds since its last successful read (Redis 7.2+); `nil` if unknown or never.
    public var inactiveMilliseconds: Int?

    /// Creates the statistics of one consumer.
    public init(name: String, pending: Int, idleMilliseconds: Int, inactiveMilliseconds: Int?) {
        self.name = name
        self.pending = pending
        self.idleMilliseconds = idleMilliseconds
        self.inactiveMilliseconds = inactiveMilliseconds
    }
}
