import NIOCore

/// Runs tasks on one NIO event loop: a task that prefers it (`withTaskExecutorPreference`)
/// resumes there after a Redis reply instead of waking a thread of the global pool.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        self.eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
