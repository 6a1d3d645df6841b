/// One entry delivered and not yet acknowledged (`XPENDING` extended form).
public struct PendingJob: Sendable, Codable, Equatable {
    /// The stream entry ID.
    public var id: String
    /// The consumer holding it.
    public var consumer: String
    /// Milliseconds since it was last delivered or its claim renewed (a live worker renews it).
    public var idleMilliseconds: Int
    /// How many times it has been delivered.
    public var deliveries: Int
    /// The lane whose stream holds it (`critical`, `default`, `bulk`); entry IDs are per stream.
    public var lane: String
    /// The partition whose streams hold it, for a partitioned queue (``QueuePartitions``); `nil` otherwise.
    public var partition: Int?

    /// Creates a pending entry.
    public init(id: String, consumer: String, idleMilliseconds: Int, deliveries: Int, lane: String = "default") {
        self.id = id
        self.lane = lane
        self.consumer = consumer
        self.idleMilliseconds = idleMilliseconds
        self.deliveries = deliveries
    }
}
