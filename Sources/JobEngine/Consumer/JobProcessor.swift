import Foundation
import Logging
import RESP
import RedisClient

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
    let recorder: OutcomeRecorder
    let inFlight: InFlightJobs
    let logger: Logger
    let isStopping: @Sendable () -> Bool

    func process(_ envelope: JobEnvelope) async {
        let clock = ContinuousClock()
        let started = clock.now
        func elapsed() -> Int64 { (clock.now - started).milliseconds }
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
            await self.recorder.discard([envelope.entryID])
            return
        }

        let payload: JobPayloadDecoder.Payload
        do {
            let decoder = JobPayloadDecoder(maximumBytes: self.configuration.maximumPayloadBytes, decryptor: self.configuration.decryptor)
            payload = try decoder.decode(jobData: envelope.jobData, queue: self.keys.stream)
        } catch {
            await self.deadLetter(envelope, type: "unknown", error: error.message, duration: elapsed(), logger: logger)
            return
        }
        jobType = payload.type

        guard let handler = self.registry.handler(for: payload.type) else {
            await self.deadLetter(envelope, type: payload.type, error: "unknown job type '\(Self.sanitize(payload.type))'",
                                  duration: elapsed(), logger: logger)
            return
        }
        if let queues = handler.queues, !queues.contains(self.keys.stream) {
            await self.deadLetter(envelope, type: payload.type,
                                  error: "job type '\(payload.type)' is not handled on queue \(self.keys.stream)",
                                  duration: elapsed(), logger: logger)
            return
        }
        if envelope.deliveryCount > self.configuration.maximumDeliveries {
            await self.deadLetter(
                envelope, type: payload.type,
                error: "delivered \(envelope.deliveryCount) times without finishing (limit \(self.configuration.maximumDeliveries)); it may crash or stall workers",
                duration: elapsed(), logger: logger)
            return
        }
        if let key = envelope.idempotencyKey {
            do {
                let seen = try await self.client.send(RESPCommandBuilder.hexists(self.keys.idempotency, key))
                if seen.int == 1 {
                    logger.info("duplicate of a finished job skipped", metadata: ["queue": "\(self.keys.stream)", "status": "duplicate"])
                    await self.recorder.discard([envelope.entryID])
                    return
                }
            } catch {
                // Redis unreachable: leave the entry pending; it is re-read or reclaimed later.
                logger.warning("idempotency check failed; job left pending", metadata: ["error": "\(error)"])
                return
            }
        }

        let admission = JobAdmission(
            queue: self.keys.stream, type: payload.type, jobID: envelope.jobID, attempt: envelope.attempt,
            userID: envelope.userID, dependencies: handler.dependencies, arguments: payload.json)
        for policy in self.configuration.policies {
            switch await policy.admit(admission) {
            case .proceed:
                continue
            case .deferred(let until, let reason):
                // Not an attempt: the same attempt number runs again when the dependency is back.
                await self.recorder.retry(envelope, nextAttempt: envelope.attempt, dueMilliseconds: until, lastError: reason)
                self.configuration.metrics?.record(queue: self.keys.stream, type: payload.type, outcome: .deferred, durationMilliseconds: elapsed())
                logger.info("job deferred", metadata: ["queue": "\(self.keys.stream)", "status": "deferred", "error": "\(reason)"])
                return
            case .rejected(let reason, let message):
                await self.recordFailure(.rejected(reason: reason, message: message), envelope: envelope, handler: handler,
                                         type: payload.type, duration: elapsed(), logger: logger)
                return
            }
        }

        self.inFlight.setDeadline(envelope.entryID, clock.now + handler.timeout)
        let context = JobContext(
            jobID: envelope.jobID, type: payload.type, queue: self.keys.stream, attempt: envelope.attempt,
            entryID: envelope.entryID, userID: envelope.userID, idempotencyKey: envelope.idempotencyKey,
            traceparent: envelope.traceparent, worker: self.configuration.workerID, baseLogger: self.logger, redis: self.client)

        do {
            var result = try await handler.run(payload.json, context)
            if self.inFlight.isTimedOut(envelope.entryID) {
                throw JobError.transient("timed out after \(handler.timeout.milliseconds) ms")
            }
            if payload.wasEncrypted, let value = result, let decryptor = self.configuration.decryptor {
                result = try? decryptor.encrypt(Data(value.utf8), queue: self.keys.stream)
            }
            let duration = elapsed()
            for policy in self.configuration.policies { await policy.completed(admission, outcome: .succeeded) }
            self.configuration.metrics?.record(queue: self.keys.stream, type: payload.type, outcome: .succeeded, durationMilliseconds: duration)
            await self.recorder.complete(
                .init(entryID: envelope.entryID, jobID: envelope.jobID, type: payload.type, status: "succeeded",
                      attempts: envelope.attempt, durationMilliseconds: duration, detail: result ?? "",
                      idempotencyKey: envelope.idempotencyKey))
            if self.logger.logLevel <= .info {
                logger.info("job succeeded", metadata: ["queue": "\(self.keys.stream)", "status": "succeeded", "duration_ms": "\(duration)"])
            }
        } catch {
            let failure: JobError
            if self.inFlight.isTimedOut(envelope.entryID) {
                failure = .transient("timed out after \(handler.timeout.milliseconds) ms")
            } else if error is CancellationError || Task.isCancelled {
                if self.isStopping() {
                    logger.warning("job interrupted by shutdown; left pending for another worker",
                                   metadata: ["queue": "\(self.keys.stream)", "status": "interrupted"])
                    return
                }
                failure = .transient("cancelled")
            } else if let jobError = error as? JobError {
                failure = jobError
            } else if let decoding = error as? DecodingError {
                failure = .permanent(AnyJobHandler.describe(decoding))
            } else {
                failure = .transient(String(describing: error))
            }
            // The watchdog cancels this task on timeout; recording the outcome must not inherit that.
            let duration = elapsed()
            let policies = self.configuration.policies
            if !policies.isEmpty {
                let outcome: JobRunOutcome = failure.dependency.map { .dependencyFailed($0) } ?? .failed
                await Self.shielded { for policy in policies { await policy.completed(admission, outcome: outcome) } }
            }
            let jobLogger = logger
            await Self.shielded {
                await self.recordFailure(failure, envelope: envelope, handler: handler, type: payload.type,
                                         duration: duration, logger: jobLogger)
            }
        }
    }

    private func recordFailure(_ failure: JobError, envelope: JobEnvelope, handler: AnyJobHandler, type: String,
                               duration: Int64, logger: Logger) async {
        switch failure.kind {
        case .rejected:
            self.configuration.metrics?.record(queue: self.keys.stream, type: type, outcome: .rejected, durationMilliseconds: duration)
            let detail = failure.reason.map { "\($0): \(failure.message)" } ?? failure.message
            await self.recorder.complete(
                .init(entryID: envelope.entryID, jobID: envelope.jobID, type: type, status: "rejected",
                      attempts: envelope.attempt, durationMilliseconds: duration, detail: detail,
                      idempotencyKey: envelope.idempotencyKey))
            logger.info("job rejected", metadata: ["queue": "\(self.keys.stream)", "status": "rejected", "error": "\(detail)", "duration_ms": "\(duration)"])
        case .permanent:
            await self.deadLetter(envelope, type: type, error: failure.message, duration: duration, logger: logger)
        case .transient:
            guard handler.retryPolicy.allowsRetry(afterAttempt: envelope.attempt) else {
                await self.deadLetter(
                    envelope, type: type,
                    error: "retries exhausted after \(envelope.attempt) attempts: \(failure.message)",
                    duration: duration, logger: logger)
                return
            }
            var generator = SystemRandomNumberGenerator()
            let delay = failure.retryAfter ?? handler.retryPolicy.delay(retry: envelope.attempt, using: &generator)
            let due = self.configuration.now() + delay.milliseconds
            await self.recorder.retry(envelope, nextAttempt: envelope.attempt + 1, dueMilliseconds: due, lastError: failure.message)
            self.configuration.metrics?.record(queue: self.keys.stream, type: type, outcome: .retried, durationMilliseconds: duration)
            logger.warning(
                "job failed; retry scheduled",
                metadata: ["queue": "\(self.keys.stream)", "status": "retrying", "error": "\(failure.message)",
                           "duration_ms": "\(duration)", "retry_in_ms": "\(delay.milliseconds)"])
        }
    }

    private func deadLetter(_ envelope: JobEnvelope, type: String, error: String, duration: Int64, logger: Logger) async {
        await self.recorder.dead(envelope, type: type, error: error, attempts: envelope.attempt, durationMilliseconds: duration)
        self.configuration.metrics?.record(queue: self.keys.stream, type: type, outcome: .dead, durationMilliseconds: duration)
        logger.error("job dead-lettered", metadata: ["queue": "\(self.keys.stream)", "status": "dead", "error": "\(error)", "duration_ms": "\(duration)"])
        self.configuration.deadLetterListener?.deadLettered(queue: self.keys.stream, type: type, error: error)
    }

    /// Runs `body` outside the current task's cancellation when it was cancelled (a timed-out job
    /// still needs its retry or dead letter written); inline otherwise.
    static func shielded(_ body: @escaping @Sendable () async -> Void) async {
        if Task.isCancelled {
            await Task { await body() }.value
        } else {
            await body()
        }
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
