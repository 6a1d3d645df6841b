import Foundation
import NIOCore
import RESP
import RedisClient

/// Options of one enqueued job (the optional stream fields of DESIGN.md section 1).
public struct EnqueueOptions: Sendable {
    /// Subject of per-user limits.
    public var userID: String?
    /// Deduplicates: a job whose key already has an outcome is not run again.
    public var idempotencyKey: String?
    /// W3C trace context (`traceparent`) of the job's parent span. When `nil`, the producer writes
    /// the caller's current span (task-local context), if a tracer is bootstrapped and a span is active.
    public var traceparent: String?
    /// Run at this time (ms since the epoch) rather than at once; see ``EnqueueOptions/delay``.
    ///
    /// A scheduled job is added to `{queue}:delayed` directly (no stream entry until it is due), with
    /// a generated `job_id`; at most 366 days ahead; a time in the past runs at the next scheduler round.
    public var runAt: Int64?
    /// Run this long after now (the producer's ``JobProducer/now``) rather than at once; not with ``runAt``.
    public var delay: Duration?
    /// Whether to wait for replicas after the add (`WAIT`); ``EnqueueDurability/master`` by default.
    public var durability: EnqueueDurability
    /// The lane; `nil`: the job type's default (``JobProducer/defaultPriorities``), else `default`.
    public var priority: JobPriority?
    /// The partition of a partitioned queue (``QueuePartitions``), 0..<N; `nil`: chosen from
    /// ``userID``, else ``idempotencyKey``, else round robin (``JobProducer/partition(queue:options:)``).
    public var partition: Int?

    public init(
        userID: String? = nil, idempotencyKey: String? = nil, traceparent: String? = nil, runAt: Int64? = nil, delay: Duration? = nil,
        durability: EnqueueDurability = .master, priority: JobPriority? = nil, partition: Int? = nil
    ) {
        self.partition = partition
        self.userID = userID
        self.idempotencyKey = idempotencyKey
        self.traceparent = traceparent
        self.runAt = runAt
        self.delay = delay
        self.durability = durability
        self.priority = priority
    }

    /// Options that run the job at `date`.
    public static func runAt(_ date: Date, userID: String? = nil, idempotencyKey: String? = nil) -> EnqueueOptions {
        EnqueueOptions(userID: userID, idempotencyKey: idempotencyKey, runAt: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// Whether the job is scheduled (``runAt`` or ``delay`` set).
    public var isScheduled: Bool { self.runAt != nil || self.delay != nil }
}

/// Puts jobs on queues in the wire format of DESIGN.md section 1, from Swift.
///
/// ```swift
/// let producer = JobProducer(client: client)
/// let id = try await producer.enqueue(queue: "reports_queue", type: "send_report",
///                                     arguments: ["to": "user@example.com", "period": "2026-11"])
/// ```
public struct JobProducer: Sendable {
    public let client: RedisClient
    /// `MAXLEN ~` applied to queue streams on every add; `nil` (the default) never trims, because
    /// trimming a queue drops jobs nobody has run.
    public var maximumQueueLength: Int?
    /// Encrypts `job_data` when set (`enc:v1:...`).
    public var encryptor: (any PayloadDecryptor)?
    /// Time source for `enqueued_at` (ms since the epoch).
    public var now: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    /// The lane of each job type enqueued without ``EnqueueOptions/priority`` (the app fills it
    /// from the modules' ``JobPriority`` declarations); types not listed go to `default`.
    public var defaultPriorities: [String: JobPriority] = [:]
    /// Partition counts of the queues (`BLUEPRINT_PARTITIONS`); must match the workers' setting.
    /// A job for a partitioned queue goes to the stream of one partition (``partition(queue:options:)``).
    public var partitions: QueuePartitions = .none
    private let roundRobin = RoundRobinCounter()

    public init(client: RedisClient, maximumQueueLength: Int? = nil, encryptor: (any PayloadDecryptor)? = nil) {
        self.client = client
        self.maximumQueueLength = maximumQueueLength
        self.encryptor = encryptor
    }

    /// Enqueues one job; returns its stream entry ID (the job ID when no idempotency key is given),
    /// or for a scheduled job (``EnqueueOptions/runAt``, ``EnqueueOptions/delay``) its generated `job_id`.
    @discardableResult
    public func enqueue(queue: String, type: String, arguments: some Encodable & Sendable, options: EnqueueOptions = .init()) async throws -> String {
        let (command, jobID) = try self.enqueueCommand(
            queue: queue, jobData: try Self.jobData(type: type, arguments: arguments), type: type, options: options)
        return try await self.add(command, jobID: jobID, durability: options.durability)
    }

    /// Enqueues a job given as its raw `job_data` JSON (which must hold `type`).
    @discardableResult
    public func enqueue(queue: String, jobData: String, options: EnqueueOptions = .init()) async throws -> String {
        let (command, jobID) = try self.enqueueCommand(queue: queue, jobData: jobData, options: options)
        return try await self.add(command, jobID: jobID, durability: options.durability)
    }

    /// Sends one add (`XADD`, or `ZADD` for a scheduled job), followed by `WAIT` on the same
    /// connection when `durability` asks for replicas.
    private func add(_ command: RESPCommand, jobID: String?, durability: EnqueueDurability) async throws -> String {
        guard let wait = durability.waitArguments else {
            let reply = try await self.client.send(command)
            return try Self.id(of: reply, jobID: jobID)
        }
        return try await self.addWaiting([(command, jobID)], wait: wait)[0]
    }

    /// Sends `commands` (XADDs or ZADDs) and `WAIT` in one pipeline: `WAIT` covers every write sent
    /// before it on its connection, and a pipeline runs on one connection.
    ///
    /// - Throws: the first error reply; ``ReplicaAcknowledgementError`` with every ID when too few
    ///   replicas acknowledged.
    private func addWaiting(_ commands: [(command: RESPCommand, jobID: String?)], wait: (replicas: Int, milliseconds: Int64)) async throws -> [String] {
        let timeout = self.client.configuration.commandTimeout + .milliseconds(wait.milliseconds)
        let replies = try await self.client.pipeline(
            commands.map(\.command) + [RESPCommand("WAIT", [String(wait.replicas), String(wait.milliseconds)])], timeout: timeout)
        guard replies.count == commands.count + 1 else {
            throw RedisClientError.protocolError("pipeline of \(commands.count + 1) got \(replies.count) replies")
        }
        var ids: [String] = []
        ids.reserveCapacity(commands.count)
        for (reply, command) in zip(replies.dropLast(), commands) {
            ids.append(try Self.id(of: reply, jobID: command.jobID))
        }
        let waitReply = replies[replies.count - 1]
        if let message = waitReply.errorMessage { throw RedisServerError(message: message) }
        guard let acknowledged = waitReply.int else { throw RedisClientError.unexpectedReply("WAIT", waitReply) }
        guard acknowledged >= wait.replicas else {
            throw ReplicaAcknowledgementError(entryIDs: ids, acknowledged: acknowledged, required: wait.replicas)
        }
        return ids
    }

    /// Enqueues many jobs in one pipeline; returns their entry IDs in order.
    ///
    /// With ``EnqueueDurability/replicas(_:timeout:)`` each chunk of 1,000 ends with a `WAIT`.
    ///
    /// - Throws: the first error reply, after the others were sent (jobs before it are enqueued);
    ///   ``ReplicaAcknowledgementError`` carrying the IDs of every job enqueued so far when a chunk's
    ///   `WAIT` fell short.
    @discardableResult
    public func enqueueBulk<Arguments: Encodable & Sendable>(
        queue: String, type: String, arguments: [Arguments], options: EnqueueOptions = .init()
    ) async throws -> [String] {
        let commands = try arguments.map {
            try self.enqueueCommand(queue: queue, jobData: try Self.jobData(type: type, arguments: $0), type: type, options: options)
        }
        var ids: [String] = []
        ids.reserveCapacity(commands.count)
        for chunkStart in stride(from: 0, to: commands.count, by: 1000) {
            let chunk = Array(commands[chunkStart..<min(chunkStart + 1000, commands.count)])
            if let wait = options.durability.waitArguments {
                do {
                    ids += try await self.addWaiting(chunk, wait: wait)
                } catch let error as ReplicaAcknowledgementError {
                    throw ReplicaAcknowledgementError(
                        entryIDs: ids + error.entryIDs, acknowledged: error.acknowledged, required: error.required)
                }
                continue
            }
            let replies = try await self.client.pipeline(chunk.map(\.command))
            for (reply, command) in zip(replies, chunk) {
                ids.append(try Self.id(of: reply, jobID: command.jobID))
            }
        }
        return ids
    }

    /// The `job_data` JSON of a job: `{"type": type, ...arguments}`.
    public static func jobData(type: String, arguments: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let typeJSON = String(decoding: try encoder.encode(type), as: UTF8.self)
        let body = String(decoding: try encoder.encode(arguments), as: UTF8.self)
        guard body.hasPrefix("{"), body.hasSuffix("}") else {
            throw JobError.permanent("job arguments must encode to a JSON object")
        }
        let inner = body.dropFirst().dropLast()
        return inner.isEmpty ? "{\"type\":\(typeJSON)}" : "{\"type\":\(typeJSON),\(inner)}"
    }

    /// The command that enqueues `jobData` (for callers building their own pipelines): `XADD`, or
    /// for a scheduled job a `ZADD` to `{queue}:delayed`, whose `job_id` is returned (`nil`: the
    /// job ID is the entry ID `XADD` replies).
    ///
    /// - Throws: ``JobError`` when both ``EnqueueOptions/runAt`` and ``EnqueueOptions/delay`` are
    ///   given, the delay is negative, or the due time is more than 366 days ahead.
    public func enqueueCommand(queue: String, jobData: String, options: EnqueueOptions) throws -> (command: RESPCommand, jobID: String?) {
        try self.enqueueCommand(queue: queue, jobData: jobData, type: self.typeForLane(jobData: jobData, options: options), options: options)
    }

    private func enqueueCommand(queue logicalQueue: String, jobData: String, type: String?, options: EnqueueOptions) throws -> (command: RESPCommand, jobID: String?) {
        let queue = try self.physicalQueue(logicalQueue, options: options)
        guard options.isScheduled else { return (try self.command(queue: queue, jobData: jobData, type: type, options: options), nil) }
        let now = self.now()
        let due: Int64
        switch (options.runAt, options.delay) {
        case (let runAt?, nil): due = runAt
        case (nil, let delay?):
            guard delay >= .zero else { throw JobError.permanent("delay must not be negative") }
            due = now + delay.milliseconds
        default: throw JobError.permanent("give runAt or delay, not both")
        }
        guard due <= now + DueTime.maximumAhead else { throw JobError.permanent("a job may be scheduled at most 366 days ahead") }
        var wire = jobData
        if let encryptor { wire = try encryptor.encrypt(Data(jobData.utf8), queue: queue) }
        // No stream entry yet, so no entry ID: the job ID is made here (or is the idempotency key).
        let jobID = options.idempotencyKey ?? UUID().uuidString.lowercased()
        var fields = [JobEnvelope.Field.jobData, wire]
        if let userID = options.userID { fields += [JobEnvelope.Field.userID, userID] }
        if let key = options.idempotencyKey { fields += [JobEnvelope.Field.idempotencyKey, key] }
        if let traceparent = options.traceparent ?? JobTracing.currentTraceparent() {
            fields += [JobEnvelope.Field.traceparent, traceparent]
        }
        fields += [
            JobEnvelope.Field.enqueuedAt, String(now), JobEnvelope.Field.jobID, jobID, DueTime.scheduledForField, String(due),
        ]
        // The promote script puts it on its lane's stream when due.
        let lane = self.priority(type: type, options: options)
        if lane != .default { fields += [JobEnvelope.Field.priority, lane.rawValue] }
        let member = OutcomeRecorder.jsonArray(fields)
        return (RESPCommand("ZADD", [QueueKeys(queue: queue, group: "").delayed, String(due), member]), jobID)
    }

    private static func id(of reply: RESPValue, jobID: String?) throws -> String {
        if let message = reply.errorMessage { throw RedisServerError(message: message) }
        if let jobID { return jobID }
        guard let id = reply.string else { throw RedisClientError.unexpectedReply("XADD", reply) }
        return id
    }

    /// The lane a job goes to: ``EnqueueOptions/priority``, else its type's default, else `default`.
    public func priority(type: String?, options: EnqueueOptions) -> JobPriority {
        options.priority ?? type.flatMap { self.defaultPriorities[$0] } ?? .default
    }

    /// The job type in `jobData`, when the lane depends on it (no priority given, defaults known).
    private func typeForLane(jobData: String, options: EnqueueOptions) -> String? {
        guard options.priority == nil && !self.defaultPriorities.isEmpty else { return nil }
        var bytes = jobData
        if case .type(let found) = bytes.withUTF8({ JSONTypeScanner.scan(UnsafeRawBufferPointer($0)) }) { return found }
        return nil
    }

    /// The `XADD` command that enqueues `jobData` now (for callers building their own pipelines);
    /// the lane's stream is chosen from `options`, else the `type` found in `jobData`; scheduling
    /// options are ignored here (see ``enqueueCommand(queue:jobData:options:)``).
    public func command(queue: String, jobData: String, options: EnqueueOptions) throws -> RESPCommand {
        try self.command(
            queue: try self.physicalQueue(queue, options: options), jobData: jobData,
            type: self.typeForLane(jobData: jobData, options: options), options: options)
    }

    /// The partition a job for `queue` goes to: ``EnqueueOptions/partition`` when given, else
    /// ``QueuePartitions/partition(forKey:count:)`` of the `user_id`, else of the idempotency key
    /// (so a key is deduplicated in one partition), else the next in round robin; 0 when `queue`
    /// is not partitioned.
    ///
    /// - Throws: ``JobError`` when ``EnqueueOptions/partition`` is outside 0..<N.
    public func partition(queue: String, options: EnqueueOptions) throws -> Int {
        let count = self.partitions.count(for: queue)
        if let partition = options.partition {
            guard (0..<count).contains(partition) else {
                throw JobError.permanent("partition \(partition) is outside 0..<\(count) of queue '\(queue)'")
            }
            return partition
        }
        guard count > 1 else { return 0 }
        if let key = options.userID ?? options.idempotencyKey { return QueuePartitions.partition(forKey: key, count: count) }
        return Int(self.roundRobin.take() % UInt64(count))
    }

    /// The stream name of the partition a job for `queue` goes to.
    private func physicalQueue(_ queue: String, options: EnqueueOptions) throws -> String {
        if options.partition == nil && self.partitions.isEmpty { return queue }
        return QueuePartitions.physicalName(queue, partition: try self.partition(queue: queue, options: options))
    }

    private func command(queue: String, jobData: String, type: String?, options: EnqueueOptions) throws -> RESPCommand {
        let lane = self.priority(type: type, options: options)
        var wire = jobData
        if let encryptor { wire = try encryptor.encrypt(Data(jobData.utf8), queue: queue) }
        var fields: [(String, String)] = [(JobEnvelope.Field.jobData, wire)]
        if let userID = options.userID { fields.append((JobEnvelope.Field.userID, userID)) }
        if let key = options.idempotencyKey { fields.append((JobEnvelope.Field.idempotencyKey, key)) }
        // The caller's own span is the job's parent unless the caller named one.
        if let traceparent = options.traceparent ?? JobTracing.currentTraceparent() {
            fields.append((JobEnvelope.Field.traceparent, traceparent))
        }
        fields.append((JobEnvelope.Field.enqueuedAt, String(self.now())))
        if lane != .default { fields.append((JobEnvelope.Field.priority, lane.rawValue)) }
        let stream = QueueKeys(queue: queue, group: "").stream(for: lane)
        return RedisClient.xaddCommand(stream, fields: fields, maxLength: self.maximumQueueLength, approximate: true)
    }
}
