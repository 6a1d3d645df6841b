import ArgumentParser
import Foundation
import WorkerServer

/// `blueprint workers`: live workers from their heartbeats.
struct Workers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List live workers (from their heartbeat records in Redis).")

    @Flag(help: "Print JSON instead of a table.") var json = false

    func run() async throws {
        let workers = try await withInspector { inspector, _ in
            try await WorkerDirectory(client: inspector.client).live()
        }
        if self.json {
            print(String(decoding: try OperatorJSON.encoder.encode(["workers": workers]), as: UTF8.self))
            return
        }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let rows = workers.map { w in
            [
                w.id, w.host, w.queues.joined(separator: ","), String(w.running.values.reduce(0, +)),
                String(format: "%.1fs", Double(now - w.lastSeen) / 1000), w.http ?? "-",
            ]
        }
        print(TextTable.render(["WORKER", "HOST", "QUEUES", "RUNNING", "LAST SEEN", "HTTP"], rows))
    }
}
