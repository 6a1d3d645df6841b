/// The bookkeeping of a ``RequestBatcher``: which items wait for which window, which have been
/// handed to the worker, which window a timer belongs to. A value with no I/O, no clock and no
/// continuation of its own (`Entry` is whatever the batcher keeps per caller), so every rule is
/// testable on plain values; the batcher holds it behind a lock and executes what it returns.
///
/// Invariants: an id is in at most one queue; every id in a queue or in `sending` has an entry;
/// a key's queue exists while its window is open: from its first item until its batch leaves
/// (full, or taken when the window closes). A queue emptied by cancelled callers stays open until
/// its timer fires, and items arriving meanwhile join it. Window ids come from one counter for
/// all keys, so a timer that fires late (its batch left full and a new window opened) never
/// closes a newer window.
struct RequestBatchState<Key: Hashable & Sendable, Entry: Sendable>: Sendable {
    /// The items of one key waiting for their batch, in arrival order, and their window.
    struct Queue: Sendable {
        var pending: [UInt64]
        var window: UInt64
    }

    /// What ``admit(_:key:entry:maximumBatch:isCancelled:)`` decided.
    enum Admission: Hashable, Sendable {
        /// Refused: the caller's task is cancelled.
        case cancelled
        /// Refused: the batcher has stopped.
        case closed
        /// Joined a window already open.
        case joined
        /// Opened the window `window` of the key: a timer must close it.
        case opened(window: UInt64)
        /// Filled the batch: these items must go now (not yet marked as sending).
        case full([UInt64])
    }

    private(set) var entries: [UInt64: (key: Key, entry: Entry)] = [:]
    private(set) var queues: [Key: Queue] = [:]
    /// Items handed to the worker (or taken for it), not answered yet.
    private(set) var sending: Set<UInt64> = []
    private(set) var closed = false
    private var lastID: UInt64 = 0
    private var lastWindow: UInt64 = 0

    init() {}

    /// Items waiting for their window, over all keys.
    var waitingCount: Int { self.queues.values.reduce(0) { $0 + $1.pending.count } }

    /// A fresh caller id.
    mutating func nextID() -> UInt64 {
        self.lastID &+= 1
        return self.lastID
    }

    /// Registers caller `id` unless the batcher is closed or the caller cancelled.
    mutating func admit(_ id: UInt64, key: Key, entry: Entry, maximumBatch: Int, isCancelled: Bool) -> Admission {
        if isCancelled { return .cancelled }
        if self.closed { return .closed }
        self.entries[id] = (key, entry)
        if var queue = self.queues[key] {
            queue.pending.append(id)
            if queue.pending.count >= maximumBatch {
                self.queues[key] = nil
                return .full(queue.pending)
            }
            self.queues[key] = queue
            return .joined
        }
        if maximumBatch <= 1 { return .full([id]) }
        self.lastWindow &+= 1
        self.queues[key] = Queue(pending: [id], window: self.lastWindow)
        return .opened(window: self.lastWindow)
    }

    /// Takes caller `id` out after its task was cancelled; returns its entry when the caller is to
    /// be answered now (it was still waiting, or `policy` answers in-flight callers at once).
    mutating func withdraw(_ id: UInt64, policy: InFlightCancellation) -> Entry? {
        guard let (key, entry) = self.entries[id] else { return nil }
        if var queue = self.queues[key], let index = queue.pending.firstIndex(of: id) {
            queue.pending.remove(at: index)
            // The window stays open (its timer runs): an item arriving before it closes joins it.
            self.queues[key] = queue
        } else if policy == .awaitAnswer {
            return nil
        }
        self.sending.remove(id)
        self.entries[id] = nil
        return entry
    }

    /// Marks a full batch as handed to the worker.
    mutating func markSending(_ ids: [UInt64]) {
        self.sending.formUnion(ids)
    }

    /// Closes `window` of `key` if it is still open; returns its batch (marked as sending) unless
    /// every caller of it has been withdrawn.
    mutating func take(key: Key, window: UInt64) -> [UInt64]? {
        guard let queue = self.queues[key], queue.window == window else { return nil }
        self.queues[key] = nil
        guard !queue.pending.isEmpty else { return nil }
        self.sending.formUnion(queue.pending)
        return queue.pending
    }

    /// Stops taking items (graceful shutdown); returns every waiting batch, oldest first, which
    /// must go now (not yet marked as sending).
    mutating func close() -> [(key: Key, ids: [UInt64])] {
        self.closed = true
        let batches = self.queues.filter { !$0.value.pending.isEmpty }.map { (key: $0.key, ids: $0.value.pending) }
            .sorted { $0.ids[0] < $1.ids[0] }
        self.queues = [:]
        return batches
    }

    /// Stops taking items (the run was cancelled and queued events are lost); returns, marked as
    /// sending, every registered item not handed to the worker yet, per key in arrival order and
    /// cut at `maximumBatch`.
    mutating func abandon(maximumBatch: Int) -> [(key: Key, ids: [UInt64])] {
        self.closed = true
        self.queues = [:]
        let rest = self.entries.keys.filter { !self.sending.contains($0) }.sorted()
        self.sending.formUnion(rest)
        var order: [Key] = []
        var byKey: [Key: [UInt64]] = [:]
        for id in rest {
            guard let key = self.entries[id]?.key else { continue }
            if byKey[key] == nil { order.append(key) }
            byKey[key, default: []].append(id)
        }
        var batches: [(key: Key, ids: [UInt64])] = []
        for key in order {
            let ids = byKey[key] ?? []
            for start in stride(from: 0, to: ids.count, by: max(1, maximumBatch)) {
                batches.append((key, Array(ids[start..<min(ids.count, start + max(1, maximumBatch))])))
            }
        }
        return batches
    }

    /// The entries still registered among `ids`, in the order of `ids`.
    func entries(of ids: [UInt64]) -> [(id: UInt64, entry: Entry)] {
        ids.compactMap { id in self.entries[id].map { (id, $0.entry) } }
    }

    /// Ends the work on `ids`: no longer sending; returns the entries still to be answered.
    mutating func finish(_ ids: [UInt64]) -> [(id: UInt64, entry: Entry)] {
        var answered: [(id: UInt64, entry: Entry)] = []
        answered.reserveCapacity(ids.count)
        for id in ids {
            self.sending.remove(id)
            if let removed = self.entries.removeValue(forKey: id) { answered.append((id, removed.entry)) }
        }
        return answered
    }
}
