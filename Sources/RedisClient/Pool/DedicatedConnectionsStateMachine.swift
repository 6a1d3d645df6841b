/// The bookkeeping of the pool's dedicated connections (blocking commands, exclusive leases),
/// without I/O: it decides, the pool connects, closes and resumes.
///
/// At most ``maximum`` connections exist at once, counting those in use, idle and being opened.
/// A caller past the bound waits in arrival order; a released connection goes to the oldest waiter,
/// else back to the idle reserve (up to ``maximumIdle``), else it is closed. When a released
/// connection cannot be reused, its slot passes to the oldest waiter, which opens a new one.
/// Timeouts and cancellation are the pool's: it removes a waiter with ``cancelWaiter(_:)``.
struct DedicatedConnectionsStateMachine<Connection: AnyObject, Waiter> {
    /// What a caller gets: a connection, or leave to open one (its slot is already counted).
    enum Grant {
        case use(Connection)
        case open
    }

    /// What ``acquire(waiterID:waiter:isUsable:)`` decided.
    enum AcquireAction {
        case grant(Grant)
        /// The waiter was queued; it is resumed through a later ``ReleaseAction`` or removed.
        case wait
        case shutdown
    }

    /// What the pool must do after a release or a failed open.
    struct ReleaseAction {
        /// A connection to close.
        var close: Connection?
        /// A waiter to resume with its grant.
        var resume: (waiter: Waiter, grant: Grant)?
    }

    /// Dedicated connections allowed at once.
    let maximum: Int
    /// Idle connections kept for reuse.
    let maximumIdle: Int
    private var idle: [Connection] = []
    private var inUse: [ObjectIdentifier: Connection] = [:]
    /// Connections being opened: their slots are taken.
    private var opening = 0
    private var waiters: [(id: UInt64, waiter: Waiter)] = []
    private var isShutdown = false

    init(maximum: Int, maximumIdle: Int) {
        self.maximum = max(1, maximum)
        self.maximumIdle = max(0, maximumIdle)
    }

    /// Connections counted against ``maximum``.
    var count: Int { self.idle.count + self.inUse.count + self.opening }
    /// Callers waiting for a slot.
    var waiterCount: Int { self.waiters.count }

    /// The connections open now, idle or in use (to close them all after a failover).
    var openConnections: [Connection] { self.idle + Array(self.inUse.values) }

    /// A connection for a caller: an idle usable one, else a new one if under the bound, else the
    /// caller waits. Idle connections failing `isUsable` (closed meanwhile) are dropped.
    mutating func acquire(
        waiterID: UInt64, waiter: Waiter, isUsable: (Connection) -> Bool
    ) -> AcquireAction {
        if self.isShutdown { return .shutdown }
        while let connection = self.idle.popLast() {
            if isUsable(connection) {
                self.inUse[ObjectIdentifier(connection)] = connection
                return .grant(.use(connection))
            }
        }
        if self.count < self.maximum {
            self.opening += 1
            return .grant(.open)
        }
        self.waiters.append((waiterID, waiter))
        return .wait
    }

    /// A connection granted with ``Grant/open`` is open; `false` when it must be closed (shut down).
    mutating func opened(_ connection: Connection) -> Bool {
        self.opening -= 1
        if self.isShutdown { return false }
        self.inUse[ObjectIdentifier(connection)] = connection
        return true
    }

    /// Opening a connection granted with ``Grant/open`` failed: its slot goes to the oldest waiter.
    mutating func openFailed() -> ReleaseAction {
        self.opening -= 1
        return ReleaseAction(close: nil, resume: self.passSlotToWaiter())
    }

    /// A caller is done with `connection`; `reusable` is `false` when it must not serve anyone
    /// else (closed, cancelled or failed mid-command, unknown server-side state).
    mutating func release(_ connection: Connection, reusable: Bool) -> ReleaseAction {
        self.inUse.removeValue(forKey: ObjectIdentifier(connection))
        if self.isShutdown { return ReleaseAction(close: connection, resume: nil) }
        guard reusable else { return ReleaseAction(close: connection, resume: self.passSlotToWaiter()) }
        if !self.waiters.isEmpty {
            let next = self.waiters.removeFirst()
            self.inUse[ObjectIdentifier(connection)] = connection
            return ReleaseAction(close: nil, resume: (next.waiter, .use(connection)))
        }
        if self.idle.count < self.maximumIdle {
            self.idle.append(connection)
            return ReleaseAction(close: nil, resume: nil)
        }
        return ReleaseAction(close: connection, resume: nil)
    }

    /// Removes a waiter that gave up (timeout, cancellation); `nil` when it was already resumed.
    mutating func cancelWaiter(_ id: UInt64) -> Waiter? {
        guard let index = self.waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return self.waiters.remove(at: index).waiter
    }

    /// Stops everything: returns every connection to close and every waiter to fail. Connections
    /// still being opened are refused by ``opened(_:)``; later acquires answer ``AcquireAction/shutdown``.
    mutating func shutdown() -> (connections: [Connection], waiters: [Waiter]) {
        self.isShutdown = true
        let connections = self.idle + Array(self.inUse.values)
        let waiters = self.waiters.map(\.waiter)
        self.idle.removeAll()
        self.inUse.removeAll()
        self.waiters.removeAll()
        return (connections, waiters)
    }

    private mutating func passSlotToWaiter() -> (waiter: Waiter, grant: Grant)? {
        guard !self.waiters.isEmpty else { return nil }
        self.opening += 1
        return (self.waiters.removeFirst().waiter, .open)
    }
}

extension DedicatedConnectionsStateMachine: Sendable where Connection: Sendable, Waiter: Sendable {}
