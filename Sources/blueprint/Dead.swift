import ArgumentParser
import Foundation
import JobEngine
import WorkerApp
import RedisClient

/// `blueprint dead list|replay|purge <queue>`.
struct Dead: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Inspect, replay or purge a queue's dead letters.", subcommands: [List.self, Replay.self, Purge.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List dead letters (oldest first) as JSON lines.")
        @Argument var queue: String
        @Option(help: "Page size.") var count: Int = 50
        @Option(help: "Start after this dead-letter ID (paging).") var after: String?

        func run() async throws {
            let letters = try await withConfiguredClient { client, configured in
                let stores = deadLetterStores(self.queue, client: client, configured: configured)
                var all: [(Int?, DeadLetter)] = []
                for (index, store) in stores.enumerated() {
                    all += try await store.list(after: self.after, count: self.count).map { (stores.count > 1 ? index : nil, $0) }
                }
                return all
            }
            // A partitioned queue: each partition's page, partition by partition (`partition` names it).
            for (partition, letter) in letters {
                var object = letter.fields
                object["dead_id"] = letter.id
                if let partition { object["partition"] = String(partition) }
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
            }
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put dead letters back on the queue (attempts reset).")
        @Argument var queue: String
        @Argument(help: "Dead-letter IDs; none with --all.") var ids: [String] = []
        @Flag(help: "Replay every dead letter.") var all = false

        func run() async throws {
            guard self.all != !self.ids.isEmpty else { throw ValidationError("give dead-letter IDs or --all (not both)") }
            let n = try await withConfiguredClient { client, configured in
                var n = 0
                for store in deadLetterStores(self.queue, client: client, configured: configured) {
                    n += self.all ? try await store.replayAll() : try await store.replay(ids: self.ids)
                }
                return n
            }
            print("replayed \(n)")
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete dead letters.")
        @Argument var queue: String
        @Argument(help: "Dead-letter IDs; none with --all.") var ids: [String] = []
        @Flag(help: "Delete every dead letter.") var all = false

        func run() async throws {
            guard self.all != !self.ids.isEmpty else { throw ValidationError("give dead-letter IDs or --all (not both)") }
            let n = try await withConfiguredClient { client, configured in
                var n = 0
                for store in deadLetterStores(self.queue, client: client, configured: configured) {
                    n += self.all ? try await store.purgeAll() : try await store.purge(ids: self.ids)
                }
                return n
            }
            print("purged \(n)")
        }
    }
}
