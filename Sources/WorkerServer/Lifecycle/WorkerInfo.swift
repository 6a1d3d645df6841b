/// What a live worker says about itself in its heartbeat.
public struct WorkerInfo: Sendable, Codable, Equatable {
    /// `BLUEPRINT_WORKER_ID`: the consumer name in the groups.
    public var id: String
    /// Host name of the machine or pod.
    public var host: String
    /// Process ID.
    public var pid: Int32
    /// Queues the worker consumes.
    public var queues: [String]
    /// Start time, ms since the epoch.
    public var startedAt: Int64
    /// Time of this heartbeat, ms since the epoch.
    public var lastSeen: Int64
    /// Jobs running now, by queue.
    public var running: [String: Int]
    /// Where its HTTP server listens (`host:port`).
    public var http: String?

    /// Creates a heartbeat record.
    public init(
        id: String, host: String, pid: Int32, queues: [String], startedAt: Int64, lastSeen: Int64,
        running: [String: Int], http: String?
    ) {
        self.id = id
        self.host = host
        self.pid = pid
        self.queues = queues
        self.startedAt = startedAt
        self.lastSeen = lastSeen
        self.running = running
        self.http = http
    }
}
