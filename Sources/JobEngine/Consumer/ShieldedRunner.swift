/// Runs work on behalf of cancelled jobs, in a task their cancellation does not reach.
///
/// A job the watchdog cancelled for its timeout still needs its retry or dead letter written;
/// done in the job's own (cancelled) task, every Redis call would fail at once. ``run()`` is a
/// child of the consumer's task group, alive until ``finish()``; ``shielded(_:)`` hands it work
/// and waits for it.
final class ShieldedRunner: Sendable {
    private typealias Work = @Sendable () async -> Void
    private let work = AsyncStream<(Work, CheckedContinuation<Void, Never>)>.makeStream()

    /// Runs submitted work, concurrently, until ``finish()`` and nothing is left.
    func run() async {
        await withDiscardingTaskGroup { group in
            for await (body, continuation) in self.work.stream {
                group.addTask {
                    await body()
                    continuation.resume()
                }
            }
        }
    }

    /// Ends ``run()`` once the work submitted so far is done; later work runs inline.
    func finish() {
        self.work.continuation.finish()
    }

    /// Runs `body` in the runner's task when the current task is cancelled; inline otherwise.
    func shielded(_ body: @escaping @Sendable () async -> Void) async {
        guard Task.isCancelled else { return await body() }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            if case .terminated = self.work.continuation.yield((body, continuation)) {
                continuation.resume()
            }
        }
    }
}
