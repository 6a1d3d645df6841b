import ArgumentParser
import Foundation
import WorkerServer

/// `blueprint queues`: every queue's state as a table (or JSON).
struct Queues: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show every queue: waiting, in flight (pending), delayed retries, dead letters, lag, consumers.",
        discussion: """
            waiting = not yet delivered; pending = delivered, not yet acknowledged (in flight);
            XLEN = waiting + pending, because finished jobs are deleted from the stream.
            """)

    @Flag(help: "Print JSON (one object with a `queues` array) instead of a table.") var json = false

    func run() async throws {
        let stats = try await withInspector { inspector, _ in try await inspector.allStats() }
        if self.json {
            let data = try OperatorJSON.encoder.encode(["queues": stats])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        // A partitioned queue: its totals, then one indented row per partition.
        let rows = stats.flatMap { q in
            [Self.row(q, name: q.queue)] + (q.partitions ?? []).enumerated().map { Self.row($1, name: "  #\($0) \($1.queue)") }
        }
        print(
            TextTable.render(
                ["QUEUE", "STATE", "WAITING", "PENDING", "DELAYED", "DEAD", "LAG", "OLDEST", "CONSUMERS"], rows))
    }

    private static func row(_ q: QueueStats, name: String) -> [String] {
        [
            name, q.groupExists ? (q.paused ? "paused" : "running") : "no group", String(q.waiting), String(q.pending),
            String(q.delayed), String(q.dead), String(q.lag), q.oldestWaitingAgeSeconds.map { String(format: "%.1fs", $0) } ?? "-",
            String(q.consumers.count),
        ]
    }
}
