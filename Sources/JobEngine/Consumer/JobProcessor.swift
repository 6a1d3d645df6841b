import Foundation
import Logging
import RESP
import RedisClient
import Tracing

/// Runs one job from its stream entry to its recorded outcome.
///
/// Decides, in order: undecodable / unknown / misrouted / redelivered too often -> dead;
/// idempotency key already finished -> discarded; otherwise the handler runs, and its
/// success, failure (transient -> retry or dead, permanent -> dead, rejected -> rejected),
/// or timeout is recorded. A job cancelled by shutdown records nothing: it stays pending.
struct JobProcessor: Sendable {
    let keys: QueueKeys
    let registry: JobRegistry
    let client: RedisClient
    let configuration: EngineConfiguration
    let clock: EngineClock
    let recorder: OutcomeRecorder
    let inFlight: InFlightJobs
    let shield: ShieldedRunner
    let logger: Logger
    let isStopping: @Sendable () -> Bool

    /// Runs the job and records its outcome. Returns `true` when the outcome was handed to the
    /// recorder, which frees the job's slot once written; `false` when the caller frees it.
    ///
    /// The run is one `consumer` span, a child of the producer's span when the job carries a valid
    /// `traceparent`; the handler runs inside its context, so the spans it starts nest under it.
    /// With `traced` false (no tracer in force) no span is started: a no-op one stands in.
    func process(_ envelope: JobEnvelope, traced: Bool = true) async -> Bool {
        guard traced else { return await self.process(envelope, span: NoOpTracer.NoOpSpan(context: .topLevel)) }
        let parent = JobTracing.parentContext(traceparent: envelope.traceparent)
        return await withSpan("job", context: parent.context, ofKind: .consumer) { span in
            if span.isRecording {
                span.attributes[JobTracing.Attribute.queue] = self.keys.stream
                span.attributes[JobTracing.Attribute.jobID] = envelope.jobID
                span.attributes[JobTracing.Attribute.attempt] = envelope.attempt
                if !parent.isValid { span.attributes[JobTracing.Attribute.invalidTraceparent] = true }
            }
            return await self.process(envelope, span: span)
        }
    }

    private func process(_ envelope: JobEnvelope, span: any Span) async -> Bool {
        let clock = self.clock
        let started = clock.now
        func elapsed() -> Int64 { (clock.now - started).milliseconds }
        let wait = JobStatsSchema.waitMilliseconds(
            entryID: envelope.entryID, enqueuedAt: envelope.enqueuedAt, attempt: envelope.attempt,
            startedAt: self.configuration.now())
        // Built only when something is logged: at warning level a successful job logs nothing.
        var jobType: String?
        var logger: Logger {
            var logger = self.logger
            logger[metadataKey: "job_id"] = "\(envelope.jobID)"
            logger[metadataKey: "attempt"] = "\(envelope.attempt)"
            if let jobType { logger[metadataKey: "job_type"] = "\(jobType)" }
            return logger
        }

        if envelope.fields.isEmpty {
            // Deleted from the stream while pending: nothing to run.
            span.recordJobOutcome("discarded")
            await self.recorder.discard([envelope.entryID], lane: envelope.lane)
            return false
        }

        let payload: JobPayloadDecoder.Payload
        do {
            let decoder = JobPayloadDecoder(maximumBytes: self.configuration.maximumPayloadBytes, decryptor: self.configuration.decryptor)
            payload = try decoder.decode(jobData: envelope.jobData, queue: self.keys.stream)
        } catch {
            await self.deadLetter(envelope, type: "unknown", error: error.message, duration: elapsed(), wait: wait, logger: logger, span: span)
            return false
        }
        jobType = payload.type
        if span.isRecording { span.attributes[JobTracing.Attribute.type] = Self.sanitize(payload.type) }

        // `run_at` / `delay_ms`: not due yet -> wait in the delayed set, holding no slot.
        // (Looked up first so that jobs without them pay no clock read.)
        if envelope.fields[DueTime.runAtField] != nil || envelope.fields[DueTime.delayField] != nil {
            let now = self.configuration.now()
            do {
                if let due = try DueTime.parse(fields: envelope.fields, entryID: envelope.entryID, enqueuedAt: envelope.enqueuedAt, now: now),
                   due > now + DueTime.tolerance
                {
                    await self.recorder.postpone(envelope, dueMilliseconds: due)
                    logger.debug("job postponed until its due time", metadata: ["queue": "\(self.keys.stream)", "due_ms": "\(due)"])
                    return false
                }
            } catch {
                await self.deadLetter(envelope, type: payload.type, error: error.message, duration: elapsed(), wait: wait, logger: logger, span: span)
                return false
            }
        }

        guard let handler = self.registry.handler(for: payload.type) else {
            await self.deadLetter(envelope, type: payload.type, error: "unknown job type '\(Self.sanitize(payload.type))'",
                                  duration: elapsed(), wait: wait, logger: logger, span: span)
            return false
        }
        // A registered type only: span names stay few (an unknown type's name is producer input).
        if span.isRecording { span.operationName = "job \(payload.type)" }
        if let queues = handler.queues, !queues.contains(self.keys.stream) {
            await self.deadLetter(envelope, type: payload.type,
                                  error: "job type '\(payload.type)' is not handled on queue \(self.keys.stream)",
                                  duration: elapsed(), wait: wait, logger: logger, span: span)
            return false
        }
        if envelope.deliveryCount > self.configuration.maximumDeliveries {
            await self.deadLetter(
                envelope, type: payload.type,
                error: "delivered \(envelope.deliveryCount) times without finishing (limit \(self.configuration.maximumDeliveries)); it may crash or stall workers",
                duration: elapsed(), wait: wait, logger: logger, span: span)
            return false
        }
        if let key = envelope.idempotencyKey {
            do {
                let seen = try await self.client.send(RESPCommandBuilder.hexists(self.keys.idempotency, key))
                if seen.int == 1 {
                    logger.info("duplicate of a finished job skipped", metadata: ["queue": "\(self.keys.stream)", "status": "duplicate"])
                    span.recordJobOutcome("duplicate")
                    await self.recorder.discard([envelope.entryID], lane: envelope.lane)
                    return false
                }
            } catch {
                // Redis unreachable: leave the entry pending; it is re-read or reclaimed later.
                logger.warning("idempotency check failed; job left pending", metadata: ["error": "\(error)"])
                span.recordJobOutcome("interrupted", failure: "idempotency check failed; job left pending")
                return false
            }
        }

        let policies = self.configuration.policies
        let admission: JobAdmission? =
            policies.isEmpty
            ? nil
            : JobAdmission(
                queue: self.keys.stream, type: payload.type, jobID: envelope.jobID, attempt: envelope.attempt,
                userID: envelope.userID, dependencies: handler.dependencies, arguments: payload.json)
        if let admission {
            for policy in policies {
                switch await policy.admit(admission) {
                case .proceed:
                    continue
                case .deferred(let until, let reason):
                    // Not an attempt: the same attempt number runs again when the dependency is back.
                    await self.recorder.retry(envelope, nextAttempt: envelope.attempt, dueMilliseconds: until, lastError: reason, stats: .deferred)
                    self.configuration.metrics?.record(queue: self.keys.stream, type: payload.type, outcome: .deferred, durationMilliseconds: elapsed())
                    logger.info("job deferred", metadata: ["queue": "\(self.keys.stream)", "status": "deferred", "error": "\(reason)"])
                    span.recordJobOutcome("deferred")
                    return false
                case .rejected(let reason, let message):
                    await self.recordFailure(.rejected(reason: reason, message: message), envelope: envelope, handler: handler,
                                             type: payload.type, duration: elapsed(), wait: wait, logger: logger, span: span)
                    return false
                }
            }
        }

        let context = JobContext(
            jobID: envelope.jobID, type: payload.type, queue: self.keys.stream, attempt: envelope.attempt,
            entryID: envelope.entryID, userID: envelope.userID, idempotencyKey: envelope.idempotencyKey,
            traceparent: envelope.traceparent, worker: self.configuration.workerID, baseLogger: self.logger, redis: self.client)

        // From here to `endRun` the watchdog (timeout) or shutdown (grace period over) may cancel this task.
        self.inFlight.startRun(envelope.slotKey, deadline: clock.now + handler.timeout)
        let run: Result<String?, any Error>
        do {
            run = .success(try await handler.run(payload, context))
        } catch {
            run = .failure(error)
        }
        let timedOut = self.inFlight.endRun(envelope.slotKey)

        let failure: JobError
        switch run {
        case .success(let value) where !timedOut:
            var result = value
            if payload.wasEncrypted, let plaintext = value, let decryptor = self.configuration.decryptor {
                do {
                    result = try decryptor.encrypt(Data(plaintext.utf8), queue: self.keys.stream)
                } catch {
                    // Never store plaintext where ciphertext is expected, and never drop the result
                    // silently: the job is dead-lettered (not retried: it ran, and its effects happened).
                    failure = .permanent("the job ran but its result could not be encrypted (\(Self.describe(error))); result not stored")
                    await self.finishFailed(failure, admission: admission, envelope: envelope, handler: handler, type: payload.type,
                                            duration: elapsed(), wait: wait, logger: logger, span: span)
                    return false
                }
            }
            let duration = elapsed()
            if let admission {
                for policy in policies { await policy.completed(admission, outcome: .succeeded) }
            }
            self.configuration.metrics?.record(queue: self.keys.stream, type: payload.type, outcome: .succeeded, durationMilliseconds: duration)
            self.inFlight.handOver(envelope.slotKey)
            self.recorder.complete(
                .init(entryID: envelope.entryID, jobID: envelope.jobID, type: payload.type, status: "succeeded",
                      attempts: envelope.attempt, durationMilliseconds: duration, detail: result ?? "",
                      idempotencyKey: envelope.idempotencyKey, waitMilliseconds: wait, lane: envelope.lane,
                      traceContext: span.isRecording ? span.context : nil))
            span.recordJobOutcome("succeeded")
            if self.logger.logLevel <= .info {
                logger.info("job succeeded", metadata: ["queue": "\(self.keys.stream)", "status": "succeeded", "duration_ms": "\(duration)"])
            }
            return true
        case .success:
            failure = .transient("timed out after \(handler.timeout.milliseconds) ms")
        case .failure(let error):
            if timedOut {
                failure = .transient("timed out after \(handler.timeout.milliseconds) ms")
            } else if error is CancellationError || Task.isCancelled {
                // Cancelled by shutdown (grace period over, or the engine's task cancelled).
                if self.isStopping() || Task.isCancelled {
                    logger.warning("job interrupted by shutdown; left pending for another worker",
                                   metadata: ["queue": "\(self.keys.stream)", "status": "interrupted"])
                    span.recordJobOutcome("interrupted")
                    return false
                }
                failure = .transient("cancelled")
            } else if let jobError = error as? JobError {
                failure = jobError
            } else if let decoding = error as? DecodingError {
                failure = .permanent(AnyJobHandler.describe(decoding))
            } else {
                failure = .transient(String(describing: error))
            }
        }
        await self.finishFailed(failure, admission: admission, envelope: envelope, handler: handler, type: payload.type,
                                duration: elapsed(), wait: wait, logger: logger, span: span)
        return false
    }

    /// Tells the policies and records a failed run. A timed-out job's task is cancelled: the
    /// recording then runs in the shield's task, so its Redis calls do not fail at once.
    private func finishFailed(_ failure: JobError, admission: JobAdmission?, envelope: JobEnvelope, handler: AnyJobHandler,
                              type: String, duration: Int64, wait: Int64, logger: Logger, span: any Span) async {
        let policies = self.configuration.policies
        // The shield's task does not inherit this task's locals: carry the job span's context over,
        // so the recording's Redis spans stay children of the job span.
        let traceContext = InstrumentationContext.current ?? .topLevel
        await self.shield.shielded {
            await InstrumentationContext.withValue(traceContext) {
                if let admission {
                    let outcome: JobRunOutcome = failure.dependency.map { .dependencyFailed($0) } ?? .failed
                    for policy in policies { await policy.completed(admission, outcome: outcome) }
                }
                await self.recordFailure(
                    failure, envelope: envelope, handler: handler, type: type, duration: duration, wait: wait, logger: logger, span: span)
            }
        }
    }

    /// An error's description for a failure message: a ``JobError``'s message, else its text.
    private static func describe(_ error: any Error) -> String {
        (error as? JobError)?.message ?? String(describing: error)
    }

    private func recordFailure(_ failure: JobError, envelope: JobEnvelope, handler: AnyJobHandler, type: String,
                               duration: Int64, wait: Int64, logger: Logger, span: any Span) async {
        switch failure.kind {
        case .rejected:
            self.configuration.metrics?.record(queue: self.keys.stream, type: type, outcome: .rejected, durationMilliseconds: duration)
            let detail = failure.reason.map { "\($0): \(failure.message)" } ?? failure.message
            await self.recorder.completeAndWait(
                .init(entryID: envelope.entryID, jobID: envelope.jobID, type: type, status: "rejected",
                      attempts: envelope.attempt, durationMilliseconds: duration, detail: detail,
                      idempotencyKey: envelope.idempotencyKey, waitMilliseconds: wait, lane: envelope.lane))
            span.recordJobOutcome("rejected", failure: detail)
            logger.info("job rejected", metadata: ["queue": "\(self.keys.stream)", "status": "rejected", "error": "\(detail)", "duration_ms": "\(duration)"])
        case .permanent:
            await self.deadLetter(envelope, type: type, error: failure.message, duration: duration, wait: wait, logger: logger, span: span)
        case .transient:
            guard handler.retryPolicy.allowsRetry(afterAttempt: envelope.attempt) else {
                await self.deadLetter(
                    envelope, type: type,
                    error: "retries exhausted after \(envelope.attempt) attempts: \(failure.message)",
                    duration: duration, wait: wait, logger: logger, span: span)
                return
            }
            var generator = SystemRandomNumberGenerator()
            let delay = failure.retryAfter ?? handler.retryPolicy.delay(retry: envelope.attempt, using: &generator)
            let due = self.configuration.now() + delay.milliseconds
            await self.recorder.retry(envelope, nextAttempt: envelope.attempt + 1, dueMilliseconds: due, lastError: failure.message,
                                      stats: .failedAttempt(waitMilliseconds: wait, runMilliseconds: duration))
            self.configuration.metrics?.record(queue: self.keys.stream, type: type, outcome: .retried, durationMilliseconds: duration)
            span.recordJobOutcome("retried", failure: failure.message)
            logger.warning(
                "job failed; retry scheduled",
                metadata: ["queue": "\(self.keys.stream)", "status": "retrying", "error": "\(failure.message)",
                           "duration_ms": "\(duration)", "retry_in_ms": "\(delay.milliseconds)"])
        }
    }

    private func deadLetter(_ envelope: JobEnvelope, type: String, error: String, duration: Int64, wait: Int64, logger: Logger, span: any Span) async {
        span.recordJobOutcome("dead", failure: error)
        await self.recorder.dead(envelope, type: type, error: error, attempts: envelope.attempt, durationMilliseconds: duration,
                                 waitMilliseconds: wait)
        self.configuration.metrics?.record(queue: self.keys.stream, type: type, outcome: .dead, durationMilliseconds: duration)
        logger.error("job dead-lettered", metadata: ["queue": "\(self.keys.stream)", "status": "dead", "error": "\(error)", "duration_ms": "\(duration)"])
        self.configuration.deadLetterListener?.deadLettered(queue: self.keys.stream, type: type, error: error)
    }

    /// A type name safe to echo: printable ASCII only, at most 64 characters.
    static func sanitize(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.prefix(64).map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? $0 : "?" }))
    }
}

/// Small command builders used by the engine.
enum RESPCommandBuilder {
    static func hexists(_ key: String, _ field: String) -> RESP.RESPCommand {
        RESP.RESPCommand("HEXISTS", [key, field])
    }
}
