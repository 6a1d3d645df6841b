import JobEngine
import RESP
import RedisClient

/// Finds a job by its ID in every queue of an inspector, every partition of a partitioned queue
/// included (the location then names the partition's stream, e.g. `email_queue~2`): `GET /api/jobs/{id}`.
///
/// Order, per queue: the lookup index `{q}:job:<id>` (when `BLUEPRINT_JOB_INDEX_SECONDS` turns it
/// on) for a final `succeeded` / `rejected`; then where the job is now: the stream (an entry ID is looked up
/// directly, any other ID by a bounded scan) with `XPENDING` telling waiting from running, the
/// delayed set (bounded scan); then `dead` from the index; else bounded scans of the results stream
/// (forward from the enqueue time of an entry-ID job ID, then newest first) and of the dead letters. Scans stop after ``scanLimit`` entries per structure, so a lookup in a
/// very long queue may miss a job that is there (the answer says so).
public struct JobLocator: Sendable {
    /// The inspector whose client reads Redis.
    public var inspector: QueueInspector
    /// The physical queues searched, in order: by default every partition of every queue of the
    /// inspector. A job ID is unique per stream only, so naming the partition (`email_queue~2`)
    /// tells apart two jobs of one ID in two partitions.
    public var queues: [QueueKeys]
    /// Most entries read per stream or set when scanning.
    public var scanLimit: Int = 10_000
    /// Entries per page of a scan.
    var pageSize = 500

    /// A locator over `inspector`'s queues.
    public init(inspector: QueueInspector) {
        self.inspector = inspector
        self.queues = inspector.physicalQueues
    }

    private var client: RedisClient { self.inspector.client }

    /// The job's location, `nil` when no queue knows it (within the scan limits).
    public func locate(_ jobID: String) async throws -> JobLocation? {
        var deadIndexed: [(QueueKeys, String)] = []
        for keys in self.queues {
            let reply = try await self.client.send(RESPCommand("GET", [keys.jobIndex(jobID: jobID)]))
            if let message = reply.errorMessage { throw RedisServerError(message: message) }
            guard let value = reply.string, let (status, resultsID) = Self.parseIndex(value) else { continue }
            if status == JobLocation.State.dead {
                deadIndexed.append((keys, resultsID))
            } else {
                return try await self.finished(jobID, keys: keys, status: status, resultsID: resultsID)
            }
        }
        for keys in self.queues {
            if let found = try await self.onStream(jobID, keys: keys) { return found }
            if let found = try await self.inDelayed(jobID, keys: keys) { return found }
        }
        if let (keys, resultsID) = deadIndexed.first {
            return try await self.finished(jobID, keys: keys, status: JobLocation.State.dead, resultsID: resultsID)
        }
        for keys in self.queues {
            // No index (off by default), or the job finished before its entry was written or after
            // it expired: the results stream holds the outcome while it is not trimmed.
            if let entry = try await self.inResults(jobID, keys: keys), let status = entry.fields["status"], !status.isEmpty {
                return try await self.finished(jobID, keys: keys, status: status, resultsID: entry.id)
            }
            if let found = try await self.inDeadLetters(jobID, keys: keys) { return found }
        }
        return nil
    }

    /// The job's entry in the results stream. A job ID that is an entry ID (the default) tells when
    /// the job was enqueued, and its outcome was written after that: the scan reads forward from
    /// then, so a job that finished soon after it was enqueued is found in the first page however
    /// long the stream. Otherwise (or when that finds nothing) the newest entries are scanned.
    private func inResults(_ jobID: String, keys: QueueKeys) async throws -> RedisStreamEntry? {
        let matches: (RedisStreamEntry) -> Bool = { $0.fields["job_id"] == jobID }
        if WorkerHTTPServer.isStreamID(jobID), let enqueued = JobStatsSchema.milliseconds(ofEntryID: jobID),
            let entry = try await self.scanStream(keys.results, reverse: false, from: "\(enqueued)-0", where: matches)
        {
            return entry
        }
        return try await self.scanStream(keys.results, reverse: true, where: matches)
    }

    /// Splits an index value `"<status> <results entry id>"`; `nil` when it is not one.
    static func parseIndex(_ value: String) -> (status: String, resultsID: String)? {
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, JobStatsSchema.milliseconds(ofEntryID: String(parts[1])) != nil else {
            return nil
        }
        return (String(parts[0]), String(parts[1]))
    }

    private func finished(_ jobID: String, keys: QueueKeys, status: String, resultsID: String) async throws -> JobLocation {
        var location = JobLocation(jobID: jobID, queue: keys.stream, state: status)
        location.resultsEntryID = resultsID
        location.finishedAt = JobStatsSchema.milliseconds(ofEntryID: resultsID)
        // The results stream is trimmed: the entry may be gone, the index still tells the outcome.
        if let entry = try await self.client.xrange(keys.results, start: resultsID, end: resultsID, count: 1).first {
            location.type = entry.fields["type"]
            location.attempt = entry.fields["attempts"].flatMap { Int($0) }
            location.durationMs = entry.fields["duration_ms"].flatMap { Int64($0) }
            location.error = entry.fields["error"]
            location.resultBytes = entry.fields["result"]?.utf8.count
        }
        if status == JobLocation.State.dead, location.error == nil, let letter = try await self.inDeadLetters(jobID, keys: keys) {
            location.error = letter.error
            location.entryID = letter.entryID
        }
        return location
    }

    private func onStream(_ jobID: String, keys: QueueKeys) async throws -> JobLocation? {
        for lane in JobPriority.readingOrder {
            if let found = try await self.onStream(jobID, keys: keys, lane: lane) { return found }
        }
        return nil
    }

    /// Looks for the job on one lane stream of the queue.
    private func onStream(_ jobID: String, keys: QueueKeys, lane: JobPriority) async throws -> JobLocation? {
        let stream = keys.stream(for: lane)
        var match: RedisStreamEntry?
        if JobStatsSchema.milliseconds(ofEntryID: jobID) != nil, WorkerHTTPServer.isStreamID(jobID) {
            // The default job ID is the entry ID: one XRANGE finds it (an entry ID pasted for a job
            // that has a `job_id` finds it too).
            match = try await self.client.xrange(stream, start: jobID, end: jobID, count: 1).first
        }
        if match == nil {
            match = try await self.scanStream(stream, reverse: false) { JobEnvelope(entry: $0).jobID == jobID }
        }
        guard let entry = match else { return nil }
        let envelope = JobEnvelope(entry: entry)
        var location = JobLocation(jobID: envelope.jobID, queue: keys.stream, state: JobLocation.State.waiting)
        location.entryID = entry.id
        location.lane = lane.rawValue
        location.attempt = envelope.attempt
        location.enqueuedAt = JobStatsSchema.milliseconds(ofEntryID: entry.id)
        location.type = envelope.jobData.flatMap(DelayedJob.jobType)
        let pending: [RedisPendingEntry]
        do {
            pending = try await self.client.xpending(stream, group: keys.group, start: entry.id, end: entry.id, count: 1)
        } catch let error as RedisServerError where error.prefix == "NOGROUP" {
            pending = []
        }
        if let p = pending.first {
            location.state = JobLocation.State.running
            location.worker = p.consumer
            location.idleMs = p.idleMilliseconds
            location.deliveries = p.deliveryCount
        }
        return location
    }

    private func inDelayed(_ jobID: String, keys: QueueKeys) async throws -> JobLocation? {
        var start = 0
        while start < self.scanLimit {
            let reply = try await self.client.send(
                RESPCommand("ZRANGE", [keys.delayed, String(start), String(start + self.pageSize - 1), "WITHSCORES"]))
            if let message = reply.errorMessage { throw RedisServerError(message: message) }
            let page = QueueInspector.delayedJobs(reply)
            if let job = page.first(where: { $0.jobID == jobID }) {
                var location = JobLocation(jobID: jobID, queue: keys.stream, state: JobLocation.State.delayed)
                location.dueAt = job.dueAt
                location.type = job.type
                location.attempt = job.attempt
                location.error = job.lastError
                return location
            }
            if page.count < self.pageSize { return nil }
            start += self.pageSize
        }
        return nil
    }

    private func inDeadLetters(_ jobID: String, keys: QueueKeys) async throws -> JobLocation? {
        guard let entry = try await self.scanStream(keys.dead, reverse: true, where: { $0.fields[JobEnvelope.Field.jobID] == jobID })
        else { return nil }
        var location = JobLocation(jobID: jobID, queue: keys.stream, state: JobLocation.State.dead)
        location.entryID = entry.id
        location.error = entry.fields["error"]
        location.attempt = entry.fields["attempts"].flatMap { Int($0) }
        location.finishedAt = entry.fields["failed_at"].flatMap { Int64($0) }
        location.worker = entry.fields["worker"]
        location.type = entry.fields[JobEnvelope.Field.jobData].flatMap(DelayedJob.jobType)
        return location
    }

    /// The first entry matching, reading at most ``scanLimit`` entries page by page.
    /// A forward scan starts at `from` (an entry ID, inclusive) when given, else at the oldest entry.
    private func scanStream(
        _ key: String, reverse: Bool, from start: String? = nil, where matches: (RedisStreamEntry) -> Bool
    ) async throws -> RedisStreamEntry? {
        var read = 0
        var cursor: String? = nil
        while read < self.scanLimit {
            let count = min(self.pageSize, self.scanLimit - read)
            let page =
                reverse
                ? try await self.client.xrevrange(key, end: cursor.map { "(" + $0 } ?? "+", start: "-", count: count)
                : try await self.client.xrange(key, start: cursor.map { "(" + $0 } ?? start ?? "-", end: "+", count: count)
            if let hit = page.first(where: matches) { return hit }
            guard page.count == count, let last = page.last else { return nil }
            read += page.count
            cursor = last.id
        }
        return nil
    }
}
