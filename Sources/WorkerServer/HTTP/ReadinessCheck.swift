import JobEngine
import RESP
import RedisClient

/// `/readyz`: Redis answers and every consumed queue's group exists.
public struct ReadinessCheck: Sendable {
    /// The outcome of one check.
    public struct Report: Sendable, Codable, Equatable {
        /// `true` when the worker can take jobs.
        public var ready: Bool
        /// What is wrong, one line each; empty when ready.
        public var problems: [String]
    }

    let client: RedisClient
    let queues: [QueueKeys]
    let timeout: Duration

    /// Creates the check of `queues` through `client`, each check bounded by `timeout`.
    public init(client: RedisClient, queues: [QueueKeys], timeout: Duration = .seconds(2)) {
        self.client = client
        self.queues = queues
        self.timeout = timeout
    }

    /// Runs the check.
    public func check() async -> Report {
        let client = self.client
        let queues = self.queues
        do {
            let replies = try await withDeadline(self.timeout) {
                try await client.pipeline(
                    [RESPCommand("PING", [])] + queues.map { RESPCommand("XINFO", ["GROUPS", $0.stream]) })
            }
            if let message = replies[0].errorMessage {
                return Report(ready: false, problems: ["redis: \(message)"])
            }
            var problems: [String] = []
            for (keys, reply) in zip(queues, replies.dropFirst()) {
                let names = (reply.array ?? []).compactMap { QueueInspector.dictionary($0)?["name"]?.string }
                if !names.contains(keys.group) {
                    problems.append("consumer group \(keys.group) of \(keys.stream) does not exist yet")
                }
            }
            return Report(ready: problems.isEmpty, problems: problems)
        } catch {
            return Report(ready: false, problems: ["redis unreachable: \(error)"])
        }
    }
}
