import ArgumentParser
import Foundation
import WorkerServer

/// `blueprint pending <queue>`: jobs in flight (delivered, not yet acknowledged), oldest first.
struct Pending: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List a queue's jobs in flight: entry ID, consumer, idle time, deliveries.",
        discussion: "A large idle time on a consumer that is gone means the entry will be reclaimed by another worker.")

    @Argument(help: "The queue, e.g. email_queue.") var queue: String
    @Option(help: "How many entries (1...1000).") var count: Int = 50
    @Flag(help: "Print JSON instead of a table.") var json = false

    func validate() throws {
        guard (1...1000).contains(self.count) else { throw ValidationError("--count must be 1...1000") }
    }

    func run() async throws {
        let queue = self.queue
        let count = self.count
        let entries = try await withInspector { inspector, _ in
            try await inspector.pending(try knownQueue(queue, in: inspector), count: count)
        }
        if self.json {
            print(String(decoding: try OperatorJSON.encoder.encode(["pending": entries]), as: UTF8.self))
            return
        }
        let rows = entries.map {
            [$0.id, $0.consumer, String(format: "%.1fs", Double($0.idleMilliseconds) / 1000), String($0.deliveries)]
        }
        print(TextTable.render(["ID", "CONSUMER", "IDLE", "DELIVERIES"], rows))
    }
}
