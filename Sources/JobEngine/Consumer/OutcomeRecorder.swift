import Foundation
import Logging
import NIOConcurrencyHelpers
import RESP
import RedisClient
import Tracing

/// Writes the final state of jobs of one queue to Redis, each change in one script call.
///
/// Successes (and rejections) are batched: while one script call is in flight, finished jobs
/// gather, and the next call acknowledges all of them at once (up to the batch size); ``run()``
/// is the one task that makes these calls, and frees the jobs' slots once written. Failures of Redis are retried until the outcome is written or
/// ``abandonAfter`` passes (the entries then stay pending and are reclaimed later: at-least-once).
final class OutcomeRecorder: Sendable {
    /// A finished job waiting for its acknowledgement.
    struct Completion: Sendable {
        let entryID: String
        let jobID: String
        let type: String
        let status: String
        let attempts: Int
        let durationMilliseconds: Int64
        /// `result` for successes, `error` otherwise.
        let detail: String
        let idempotencyKey: String?
        /// Enqueue-to-start latency of this attempt (see ``JobStatsSchema/waitMilliseconds(entryID:enqueuedAt:attempt:startedAt:)``).
        var waitMilliseconds: Int64 = 0

        /// The lane stream the entry is on.
        var lane: JobPriority = .default
        /// The context of the job's span when it was traced: the batch write that records the
        /// outcome links to it (the job span has ended by then).
        var traceContext: InstrumentationContext?

        /// Its key among the in-flight jobs.
        var slotKey: String { LaneEntry(lane: self.lane, id: self.entryID).key }
    }

    private struct State {
        var waiting: [Completion] = []
        /// `true` while ``run()`` writes; completions added meanwhile go with its next batch.
        var flushing = false
        var finished = false
    }

    let keys: QueueKeys
    private let client: RedisClient
    private let configuration: EngineConfiguration
    private let logger: Logger
    private let clock: EngineClock
    /// Whose slots are freed once their outcomes are written.
    private let inFlight: InFlightJobs
    private let state = NIOLockedValueBox(State())
    private let signal = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    /// How long a write is retried while Redis is unreachable.
    let abandonAfter: Duration = .seconds(60)

    init(keys: QueueKeys, client: RedisClient, configuration: EngineConfiguration, clock: EngineClock, inFlight: InFlightJobs,
         logger: Logger) {
        self.keys = keys
        self.client = client
        self.configuration = configuration
        self.clock = clock
        self.inFlight = inFlight
        self.logger = logger
    }

    /// Hands over a finished job's outcome, to be written with others finishing now. Does not
    /// wait: the job's slot (in ``InFlightJobs``) is freed once the outcome is written, or given
    /// up (see ``abandonAfter``; the entry then stays pending and is reclaimed later).
    func complete(_ completion: Completion) {
        let (accepted, wake) = self.state.withLockedValue { state -> (Bool, Bool) in
            if state.finished { return (false, false) }
            state.waiting.append(completion)
            defer { state.flushing = true }
            return (true, !state.flushing)
        }
        if !accepted {
            // Shutting down without a flusher: the entry stays pending for another worker.
            self.inFlight.remove(CollectionOfOne(completion.slotKey))
        } else if wake {
            self.signal.continuation.yield()
        }
    }

    /// Writes one outcome now, outside the batches, and returns once written (or given up); the
    /// caller frees the slot. For rare outcomes (rejections) recorded in the job's own flow.
    func completeAndWait(_ completion: Completion) async {
        await self.writeCompletions([completion])
    }

    /// Writes batches of completions as they come, until ``finish()`` and nothing is left.
    func run() async {
        for await _ in self.signal.stream {
            await self.flushUntilEmpty()
        }
        await self.flushUntilEmpty()
    }

    /// Ends ``run()`` once every waiting completion is written.
    func finish() {
        self.state.withLockedValue { $0.finished = true }
        self.signal.continuation.finish()
    }

    private func flushUntilEmpty() async {
        while true {
            let batch = self.state.withLockedValue { state -> [Completion] in
                let n = min(state.waiting.count, self.configuration.completionBatchSize)
                if n == 0 {
                    state.flushing = false
                    return []
                }
                if n == state.waiting.count {
                    defer { state.waiting.removeAll(keepingCapacity: true) }
                    return state.waiting
                }
                defer { state.waiting.removeFirst(n) }
                return Array(state.waiting.prefix(n))
            }
            if batch.isEmpty { return }
            await self.writeCompletions(batch)
            self.inFlight.remove(batch.lazy.map(\.slotKey))
        }
    }

    /// Writes a batch: one script call per lane stream it holds entries of (one in the common case).
    private func writeCompletions(_ completions: [Completion]) async {
        let lane = completions.first?.lane ?? .default
        if completions.contains(where: { $0.lane != lane }) {
            for lane in JobPriority.readingOrder {
                let ofLane = completions.filter { $0.lane == lane }
                if !ofLane.isEmpty { await self.writeCompletions(ofLane, stream: self.keys.stream(for: lane)) }
            }
        } else {
            await self.writeCompletions(completions, stream: self.keys.stream(for: lane))
        }
    }

    private func writeCompletions(_ completions: [Completion], stream: String) async {
        guard completions.contains(where: { $0.traceContext != nil }) else {
            await self.writeCompletionsUntraced(completions, stream: stream)
            return
        }
        // Written after the job spans ended, for many jobs at once: a span of its own (a new
        // trace), linked to the span of every traced job it records, with the script's span
        // inside it.
        await withSpan(JobTracing.recordOutcomesSpanName, context: .topLevel, ofKind: .internal) { span in
            span.attributes[JobTracing.Attribute.queue] = self.keys.stream
            span.attributes[JobTracing.Attribute.batchSize] = completions.count
            for completion in completions {
                if let context = completion.traceContext { span.addLink(SpanLink(context: context, attributes: [:])) }
            }
            await self.writeCompletionsUntraced(completions, stream: stream)
        }
    }

    private func writeCompletionsUntraced(_ completions: [Completion], stream: String) async {
        let now = self.configuration.now()
        var arguments: [String] = [
            self.keys.group, String(self.configuration.resultsMaximumLength), String(now),
            String(JobStatsSchema.ttlSeconds), String(self.indexTTLSeconds),
        ]
        arguments.reserveCapacity(5 + completions.count * 10)
        let indexed = self.indexTTLSeconds > 0
        var keys = [
            stream, self.keys.results, self.keys.idempotency, self.keys.idempotencyIndex,
            self.keys.stats(minute: JobStatsSchema.minute(ofMilliseconds: now)),
        ]
        keys.reserveCapacity(5 + completions.count)
        for c in completions {
            if indexed { keys.append(self.keys.jobIndex(jobID: c.jobID)) }
            arguments.append(c.entryID)
            arguments.append(c.jobID)
            arguments.append(c.type)
            arguments.append(c.status)
            arguments.append(String(c.attempts))
            arguments.append(String(c.durationMilliseconds))
            arguments.append(c.detail)
            arguments.append(c.idempotencyKey ?? "")
            arguments.append(LatencyHistogram.label(milliseconds: c.waitMilliseconds))
            arguments.append(LatencyHistogram.label(milliseconds: c.durationMilliseconds))
        }
        let finalArguments = arguments
        let finalKeys = keys
        await self.withRetries("complete") {
            try await self.client.eval(
                EngineScripts.complete, keys: finalKeys, arguments: finalArguments)
        }
    }

    /// What a retry counts in the minute's stats: a failed attempt (with its timings) or a deferral.
    enum RetryStats: Sendable {
        /// An attempt ran and failed: `retried`, with its wait and run times.
        case failedAttempt(waitMilliseconds: Int64, runMilliseconds: Int64)
        /// A policy put the job back without running it: `deferred` only.
        case deferred
    }

    /// Schedules another attempt: the entry leaves its lane stream for `{q}:delayed` until
    /// `dueMilliseconds`; its `priority` field brings it back to the same lane.
    func retry(_ envelope: JobEnvelope, nextAttempt: Int, dueMilliseconds: Int64, lastError: String?, stats: RetryStats) async {
        var fields = envelope.fieldsForRetry(attempt: nextAttempt)
        if let lastError {
            // Kept for operators looking at the delayed set; replaced on every retry.
            if let index = fields.firstIndex(of: "last_error"), index % 2 == 0 {
                fields.removeSubrange(index...index + 1)
            }
            fields.append("last_error")
            fields.append(String(lastError.prefix(500)))
        }
        let member = Self.jsonArray(fields)
        let statsArguments: [String]
        switch stats {
        case .failedAttempt(let wait, let run):
            statsArguments = [
                JobStatsSchema.Outcome.retried, LatencyHistogram.label(milliseconds: wait), LatencyHistogram.label(milliseconds: run),
            ]
        case .deferred:
            statsArguments = [JobStatsSchema.Outcome.deferred, "", ""]
        }
        let statsKey = self.keys.stats(minute: JobStatsSchema.minute(ofMilliseconds: self.configuration.now()))
        await self.withRetries("retry") {
            try await self.client.eval(
                EngineScripts.retry, keys: [self.keys.stream(for: envelope.lane), self.keys.delayed, statsKey],
                arguments: [self.keys.group, envelope.entryID, String(dueMilliseconds), member]
                    + statsArguments + [String(JobStatsSchema.ttlSeconds)])
        }
    }

    /// Moves an entry that is not due yet (`run_at` / `delay_ms`) to `{q}:delayed` until
    /// `dueMilliseconds`: the fields without `run_at` / `delay_ms`, with `job_id` pinned and
    /// `scheduled_for` set (see ``ScheduleScripts/postpone``).
    func postpone(_ envelope: JobEnvelope, dueMilliseconds: Int64) async {
        var fields: [String] = []
        for (key, value) in envelope.fields.sorted(by: { $0.key < $1.key })
        where key != DueTime.runAtField && key != DueTime.delayField && key != DueTime.scheduledForField
            && key != JobEnvelope.Field.jobID && key != JobEnvelope.Field.priority
        {
            fields.append(key)
            fields.append(value)
        }
        fields += [JobEnvelope.Field.jobID, envelope.jobID, DueTime.scheduledForField, String(dueMilliseconds)]
        // The lane it was read from (the stream decides, not a `priority` field): promote brings it back there.
        if envelope.lane != .default { fields += [JobEnvelope.Field.priority, envelope.lane.rawValue] }
        let member = Self.jsonArray(fields)
        await self.withRetries("postpone") {
            try await self.client.eval(
                ScheduleScripts.postpone, keys: [self.keys.stream(for: envelope.lane), self.keys.delayed],
                arguments: [self.keys.group, envelope.entryID, String(dueMilliseconds), member])
        }
    }

    /// Dead-letters a job: its fields plus error, attempts, worker and time on `{q}:dead`, and a `dead` outcome.
    func dead(_ envelope: JobEnvelope, type: String, error: String, attempts: Int, durationMilliseconds: Int64,
              waitMilliseconds: Int64) async {
        let now = self.configuration.now()
        var deadFields: [String] = []
        for (key, value) in envelope.fields.sorted(by: { $0.key < $1.key })
        where key != JobEnvelope.Field.attempt && key != JobEnvelope.Field.jobID && key != JobEnvelope.Field.priority {
            deadFields.append(key)
            deadFields.append(value)
        }
        deadFields += [
            JobEnvelope.Field.priority, envelope.lane.rawValue, JobEnvelope.Field.jobID, envelope.jobID, "error", error, "attempts", String(attempts),
            "worker", self.configuration.workerID, "failed_at", String(now), "queue", self.keys.stream,
            "failed_entry_id", envelope.entryID,
        ]
        if deadFields.count == 0 || envelope.fields.isEmpty {
            deadFields += ["job_data", ""]
        }
        let resultFields = [
            "job_id", envelope.jobID, "type", type, "status", "dead", "attempts", String(attempts),
            "duration_ms", String(durationMilliseconds), "error", error,
        ]
        let arguments = [
            self.keys.group, envelope.entryID, String(self.configuration.resultsMaximumLength),
            String(self.configuration.deadMaximumLength), String(now), envelope.idempotencyKey ?? "",
            String(deadFields.count), LatencyHistogram.label(milliseconds: waitMilliseconds),
            LatencyHistogram.label(milliseconds: durationMilliseconds), String(JobStatsSchema.ttlSeconds),
            String(self.indexTTLSeconds),
        ] + deadFields + resultFields
        let keys = [
            self.keys.stream(for: envelope.lane), self.keys.dead, self.keys.results, self.keys.idempotency, self.keys.idempotencyIndex,
            self.keys.stats(minute: JobStatsSchema.minute(ofMilliseconds: now)), self.keys.jobIndex(jobID: envelope.jobID),
        ]
        await self.withRetries("dead") {
            try await self.client.eval(
                EngineScripts.dead, keys: keys, arguments: arguments)
        }
    }

    /// Acknowledges and deletes entries of one lane without an outcome (duplicates, deleted entries).
    func discard(_ entryIDs: [String], lane: JobPriority) async {
        guard !entryIDs.isEmpty else { return }
        await self.withRetries("discard") {
            try await self.client.eval(EngineScripts.discard, keys: [self.keys.stream(for: lane)], arguments: [self.keys.group] + entryIDs)
        }
    }

    /// Lifetime of the lookup-index entries, whole seconds (0: none written).
    private var indexTTLSeconds: Int64 {
        max(0, self.configuration.jobIndexRetention.components.seconds)
    }

    private func withRetries(_ what: String, _ body: @Sendable () async throws -> RESPValue) async {
        let giveUp = self.clock.now + self.abandonAfter
        var delay = Duration.milliseconds(50)
        while true {
            do {
                _ = try await body()
                return
            } catch {
                if self.clock.now >= giveUp || Task.isCancelled {
                    self.logger.error(
                        "could not record job outcome; entries stay pending and will be reclaimed",
                        metadata: ["queue": "\(self.keys.stream)", "error": "\(error)", "operation": "\(what)"])
                    return
                }
                self.logger.warning(
                    "recording job outcome failed; retrying",
                    metadata: ["queue": "\(self.keys.stream)", "error": "\(error)", "operation": "\(what)"])
                try? await self.clock.sleep(until: self.clock.now + delay)
                delay = min(delay * 2, .seconds(2))
            }
        }
    }

    static func jsonArray(_ strings: [String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: strings, options: [.withoutEscapingSlashes])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
