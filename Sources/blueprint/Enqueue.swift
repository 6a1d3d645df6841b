import ArgumentParser
import Foundation
import JobEngine
import Logging
import RedisClient
import WorkerApp

/// `blueprint enqueue <queue> <type> key=value ...`.
struct Enqueue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put one job on a queue.",
        discussion: """
            Values that parse as JSON (numbers, true/false, null, arrays, objects) are sent as such;
            anything else is a string. Example: blueprint enqueue email_queue canary sleep_ms=10
            """)

    @Argument(help: "The queue (stream key), e.g. email_queue.") var queue: String
    @Argument(help: "The job type, e.g. send_email.") var type: String
    @Argument(help: "Arguments as key=value.") var arguments: [String] = []
    @Option(help: "Subject of per-user limits.") var userID: String?
    @Option(help: "Deduplication key.") var idempotencyKey: String?
    @Option(help: "How many copies to enqueue (one pipeline).") var count: Int = 1
    @Option(help: "Run at this time: ms since the epoch or ISO 8601 (2026-12-01T09:00:00+09:00).") var runAt: String?
    @Option(help: "Run after this delay: ms, or a number with s, m or h (90s, 5m).") var delay: String?
    @Option(help: "W3C trace context of the job's parent span (00-<trace id>-<span id>-<flags>); the worker's job span joins that trace.")
    var traceparent: String?
    @Option(help: "Lane: critical, default or bulk (default: the job type's declared lane).") var priority: String?
    @Option(help: "Partition of a partitioned queue (BLUEPRINT_PARTITIONS), 0..<n (default: from --user-id, else --idempotency-key, else round robin).")
    var partition: Int?

    func run() async throws {
        var object: [String: Any] = ["type": self.type]
        for argument in self.arguments {
            guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
                throw ValidationError("argument '\(argument)' is not key=value")
            }
            let key = String(argument[..<equals])
            let text = String(argument[argument.index(after: equals)...])
            if key == "type" { throw ValidationError("'type' is the second positional argument, not key=value") }
            if let value = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) {
                object[key] = value
            } else {
                object[key] = text
            }
        }
        guard self.count >= 1 && self.count <= 1_000_000 else { throw ValidationError("--count must be 1...1000000") }
        if let traceparent = self.traceparent {
            do {
                _ = try TraceParent(parsing: traceparent)
            } catch {
                throw ValidationError("--traceparent: \(error)")
            }
        }
        let lane = try self.priority.map { priority throws(ValidationError) -> JobPriority in
            guard let chosen = JobPriority(rawValue: priority) else { throw ValidationError("--priority must be critical, default or bulk") }
            return chosen
        }
        let jobData = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
        var options = EnqueueOptions(userID: self.userID, idempotencyKey: self.idempotencyKey, traceparent: self.traceparent)
        options.priority = lane
        options.partition = self.partition
        if self.runAt != nil && self.delay != nil { throw ValidationError("give --run-at or --delay, not both") }
        if let runAt = self.runAt {
            guard let ms = ScheduleArguments.time(runAt) else {
                throw ValidationError("--run-at must be ms since the epoch or an ISO 8601 time like 2026-12-01T09:00:00+09:00")
            }
            options.runAt = ms
        }
        if let delay = self.delay {
            guard let duration = ScheduleArguments.duration(delay) else {
                throw ValidationError("--delay must be ms, or a number with s, m or h (90s, 5m, 2h)")
            }
            options.delay = duration
        }
        let finalOptions = options
        let ids = try await withInspector { inspector, configured in
            let client = inspector.client
            var producer = JobProducer(client: client)
            producer.defaultPriorities = ModuleCatalog.standard.jobPriorities
            producer.partitions = configured.core.partitions
            if let partition = finalOptions.partition, !(0..<producer.partitions.count(for: self.queue)).contains(partition) {
                throw ValidationError("--partition must be 0..<\(producer.partitions.count(for: self.queue)) for queue \(self.queue) (BLUEPRINT_PARTITIONS)")
            }
            if self.count == 1 {
                return [try await producer.enqueue(queue: self.queue, jobData: jobData, options: finalOptions)]
            }
            var ids: [String] = []
            for start in stride(from: 0, to: self.count, by: 1000) {
                let commands = try (start..<min(start + 1000, self.count)).map { _ in
                    try producer.enqueueCommand(queue: self.queue, jobData: jobData, options: finalOptions)
                }
                let replies = try await client.pipeline(commands.map(\.command))
                ids += zip(commands, replies).compactMap { command, reply in command.jobID ?? reply.string }
            }
            return ids
        }
        if ids.count == 1 { print(ids[0]) } else { print("enqueued \(ids.count) jobs; last id \(ids.last ?? "-")") }
    }
}
