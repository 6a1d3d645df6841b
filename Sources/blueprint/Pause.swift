import ArgumentParser
import WorkerServer

/// `blueprint pause <queue>`: workers stop reading the queue; jobs in flight finish.
struct Pause: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pause a queue: every worker stops taking its jobs within about a second (jobs in flight finish).",
        discussion: "Producers can still enqueue; the jobs wait until `blueprint resume <queue>`.")

    @Argument(help: "The queue, e.g. email_queue.") var queue: String

    func run() async throws {
        let queue = self.queue
        try await withInspector { inspector, _ in try await inspector.pause(try knownQueue(queue, in: inspector)) }
        print("paused \(queue)")
    }
}
