import NIOCore

/// The bound on replies one connection may owe: requests past it wait, unsent, until replies drain.
///
/// Pure and single-threaded (the channel handler keeps it on its event loop). A request is written
/// at once when nothing waits before it and either the connection owes no reply or its replies fit
/// under ``maximum``; otherwise it is parked in arrival order. A pipeline larger than ``maximum``
/// is admitted alone on an idle connection, so every request can eventually be written.
///
/// The hot path is one comparison: a request only parks when the connection already owes
/// ``maximum`` replies, and parked requests are only looked at while some are parked.
struct RedisRequestAdmission<Request> {
    /// Replies the connection may owe before new requests wait.
    let maximum: Int
    /// Replies owed by the requests written so far.
    private(set) var outstanding = 0
    /// Requests waiting to be written, oldest first, with the number of replies each will owe.
    private var parked = CircularBuffer<(request: Request, replies: Int)>()

    init(maximum: Int) {
        self.maximum = max(1, maximum)
    }

    /// Number of requests waiting to be written.
    var parkedCount: Int { self.parked.count }

    /// Offers a request that will owe `replies` replies: returns it when it may be written now
    /// (its replies are then counted as owed), `nil` when it was parked.
    mutating func submit(_ request: Request, replies: Int) -> Request? {
        if self.parked.isEmpty && self.fits(replies) {
            self.outstanding += replies
            return request
        }
        self.parked.append((request, replies))
        return nil
    }

    /// Records one reply received.
    mutating func replyReceived() {
        self.outstanding -= 1
    }

    /// The oldest parked request if it fits now (its replies are then counted as owed); call until `nil`.
    mutating func nextAdmitted() -> Request? {
        guard let first = self.parked.first, self.fits(first.replies) else { return nil }
        self.parked.removeFirst()
        self.outstanding += first.replies
        return first.request
    }

    /// Removes and returns the parked requests matching `predicate` (expired or cancelled ones).
    mutating func removeParked(where predicate: (Request) -> Bool) -> [Request] {
        guard !self.parked.isEmpty else { return [] }
        var removed: [Request] = []
        var kept = CircularBuffer<(request: Request, replies: Int)>(initialCapacity: self.parked.count)
        for entry in self.parked {
            if predicate(entry.request) { removed.append(entry.request) } else { kept.append(entry) }
        }
        if !removed.isEmpty { self.parked = kept }
        return removed
    }

    /// Forgets every owed reply and returns every parked request (the connection is closing).
    mutating func reset() -> [Request] {
        self.outstanding = 0
        let all = self.parked.map(\.request)
        self.parked.removeAll()
        return all
    }

    private func fits(_ replies: Int) -> Bool {
        self.outstanding == 0 || self.outstanding + replies <= self.maximum
    }
}
