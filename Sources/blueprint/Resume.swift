import ArgumentParser
import WorkerServer

/// `blueprint resume <queue>`: undoes `pause`.
struct Resume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Resume a paused queue.")

    @Argument(help: "The queue, e.g. email_queue.") var queue: String

    func run() async throws {
        let queue = self.queue
        try await withInspector { inspector, _ in try await inspector.resume(try knownQueue(queue, in: inspector)) }
        print("resumed \(queue)")
    }
}
