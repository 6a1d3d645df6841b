import RedisClient

/// A job as it sits on a queue stream: the entry's fields, with the contract's optional fields parsed.
///
/// Decoding never fails: what is wrong with the entry (no `job_data`, bad JSON...) is found when
/// the payload is decoded, and sends the job to the dead letters with that error.
public struct JobEnvelope: Sendable {
    /// Field names of the wire contract (DESIGN.md section 1).
    public enum Field {
        public static let jobData = "job_data"
        public static let userID = "user_id"
        public static let idempotencyKey = "idempotency_key"
        public static let traceparent = "traceparent"
        public static let enqueuedAt = "enqueued_at"
        public static let attempt = "attempt"
        public static let jobID = "job_id"
        /// The lane (`critical`, `default`, `bulk`): informative on the stream (the stream an
        /// entry is on decides), authoritative on a delayed member (where its retry goes).
        public static let priority = "priority"
    }

    /// The ID of this stream entry (changes when the job is retried).
    public let entryID: String
    /// Every field of the entry, as received.
    public let fields: [String: String]
    /// The job's ID for its whole life: `job_id` field, else `idempotency_key`, else the entry ID.
    public let jobID: String
    /// 1 for the first run; the worker sets `attempt` on retries.
    public let attempt: Int
    public let userID: String?
    public let idempotencyKey: String?
    public let traceparent: String?
    /// When the producer enqueued the job, in ms since the epoch, if it said.
    public let enqueuedAt: Int64?
    /// Times the stream delivered this entry (1 unless a worker died holding it).
    public var deliveryCount: Int
    /// The lane whose stream the entry was read from (``QueueKeys/stream(for:)``).
    public let lane: JobPriority

    public init(entry: RedisStreamEntry, deliveryCount: Int = 1, lane: JobPriority = .default) {
        self.lane = lane
        self.entryID = entry.id
        self.fields = entry.fields
        let idempotencyKey = entry.fields[Field.idempotencyKey].flatMap { $0.isEmpty ? nil : $0 }
        self.idempotencyKey = idempotencyKey
        self.jobID = entry.fields[Field.jobID].flatMap { $0.isEmpty ? nil : $0 } ?? idempotencyKey ?? entry.id
        self.attempt = entry.fields[Field.attempt].flatMap { Int($0) }.map { max(1, $0) } ?? 1
        self.userID = entry.fields[Field.userID].flatMap { $0.isEmpty ? nil : $0 }
        self.traceparent = entry.fields[Field.traceparent]
        self.enqueuedAt = entry.fields[Field.enqueuedAt].flatMap { Int64($0) }
        self.deliveryCount = deliveryCount
    }

    /// The raw `job_data` field (JSON, or `enc:v1:...`), `nil` when the entry has none.
    public var jobData: String? { self.fields[Field.jobData] }

    /// Key of the job among a consumer's in-flight jobs (entry IDs repeat across lane streams).
    var slotKey: String { LaneEntry(lane: self.lane, id: self.entryID).key }

    /// The fields to put on the stream for the next attempt: the original ones with `job_id`
    /// pinned, `attempt` set, `priority` set to the lane it ran in (so the retry keeps its lane), and
    /// `run_at` / `delay_ms` dropped (the retry's own due time rules).
    public func fieldsForRetry(attempt: Int) -> [String] {
        var out: [String] = []
        out.reserveCapacity(self.fields.count * 2 + 6)
        for (key, value) in self.fields.sorted(by: { $0.key < $1.key })
        where key != Field.attempt && key != Field.jobID && key != Field.priority && key != DueTime.runAtField
            && key != DueTime.delayField {
            out.append(key)
            out.append(value)
        }
        out.append(Field.priority)
        out.append(self.lane.rawValue)
        out.append(Field.jobID)
        out.append(self.jobID)
        out.append(Field.attempt)
        out.append(String(attempt))
        return out
    }
}
