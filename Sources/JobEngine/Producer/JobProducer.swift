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
    /// W3C trace context.
    public var traceparent: String?
    /// The lane; `nil`: the job type's default (``JobProducer/defaultPriorities``), else `default`.
    public var priority: JobPriority?

    public init(userID: String? = nil, idempotencyKey: String? = nil, traceparent: String? = nil, priority: JobPriority? = nil) {
        self.userID = userID
        self.idempotencyKey = idempotencyKey
        self.traceparent = traceparent
        self.priority = priority
    }
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

    public init(client: RedisClient, maximumQueueLength: Int? = nil, encryptor: (any PayloadDecryptor)? = nil) {
        self.client = client
        self.maximumQueueLength = maximumQueueLength
        self.encryptor = encryptor
    }

    /// Enqueues one job; returns its stream entry ID (the job ID when no idempotency key is given).
    @discardableResult
    public func enqueue(queue: String, type: String, arguments: some Encodable & Sendable, options: EnqueueOptions = .init()) async throws -> String {
        let command = try self.command(queue: queue, jobData: try Self.jobData(type: type, arguments: arguments), type: type, options: options)
        let reply = try await self.client.send(command)
        guard let id = reply.string else { throw RedisClientError.unexpectedReply("XADD", reply) }
        return id
    }

    /// Enqueues a job given as its raw `job_data` JSON (which must hold `type`).
    @discardableResult
    public func enqueue(queue: String, jobData: String, options: EnqueueOptions = .init()) async throws -> String {
        let reply = try await self.client.send(try self.command(queue: queue, jobData: jobData, options: options))
        guard let id = reply.string else { throw RedisClientError.unexpectedReply("XADD", reply) }
        return id
    }

    /// Enqueues many jobs in one pipeline; returns their entry IDs in order.
    ///
    /// - Throws: the first error reply, after the others were sent (jobs before it are enqueued).
    @discardableResult
    public func enqueueBulk<Arguments: Encodable & Sendable>(
        queue: String, type: String, arguments: [Arguments], options: EnqueueOptions = .init()
    ) async throws -> [String] {
        let commands = try arguments.map {
            try self.command(queue: queue, jobData: try Self.jobData(type: type, arguments: $0), type: type, options: options)
        }
        var ids: [String] = []
        ids.reserveCapacity(commands.count)
        for chunkStart in stride(from: 0, to: commands.count, by: 1000) {
            let replies = try await self.client.pipeline(Array(commands[chunkStart..<min(chunkStart + 1000, commands.count)]))
            for reply in replies {
                if let message = reply.errorMessage { throw RedisServerError(message: message) }
                guard let id = reply.string else { throw RedisClientError.unexpectedReply("XADD", reply) }
                ids.append(id)
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

    /// The lane a job goes to: ``EnqueueOptions/priority``, else its type's default, else `default`.
    public func priority(type: String?, options: EnqueueOptions) -> JobPriority {
        options.priority ?? type.flatMap { self.defaultPriorities[$0] } ?? .default
    }

    /// The `XADD` command that enqueues `jobData` (for callers building their own pipelines); the
    /// lane's stream is chosen from `options`, else the `type` found in `jobData`.
    public func command(queue: String, jobData: String, options: EnqueueOptions) throws -> RESPCommand {
        var type: String?
        if options.priority == nil && !self.defaultPriorities.isEmpty {
            var bytes = jobData
            if case .type(let found) = bytes.withUTF8({ JSONTypeScanner.scan(UnsafeRawBufferPointer($0)) }) { type = found }
        }
        return try self.command(queue: queue, jobData: jobData, type: type, options: options)
    }

    private func command(queue: String, jobData: String, type: String?, options: EnqueueOptions) throws -> RESPCommand {
        let lane = self.priority(type: type, options: options)
        var wire = jobData
        if let encryptor { wire = try encryptor.encrypt(Data(jobData.utf8), queue: queue) }
        var fields: [(String, String)] = [(JobEnvelope.Field.jobData, wire)]
        if let userID = options.userID { fields.append((JobEnvelope.Field.userID, userID)) }
        if let key = options.idempotencyKey { fields.append((JobEnvelope.Field.idempotencyKey, key)) }
        if let traceparent = options.traceparent { fields.append((JobEnvelope.Field.traceparent, traceparent)) }
        fields.append((JobEnvelope.Field.enqueuedAt, String(self.now())))
        if lane != .default { fields.append((JobEnvelope.Field.priority, lane.rawValue)) }
        let stream = QueueKeys(queue: queue, group: "").stream(for: lane)
        return RedisClient.xaddCommand(stream, fields: fields, maxLength: self.maximumQueueLength, approximate: true)
    }
}
