import NIOCore
import NIOPosix
import ServiceLifecycle

/// A fixed set of threads (one per core by default) for CPU-bound work such as decoding and encoding
/// images, so that it never runs on an event loop or occupies Swift's cooperative pool unbounded.
/// At most `threadCount` pieces of work run at once; the rest wait in FIFO order.
///
/// Lifecycle: either run it as a `Service` in the application's `ServiceGroup` (it shuts its threads
/// down on graceful shutdown), or scope it with `CPUWorkPool.withPool(threadCount:_:)`.
public final class CPUWorkPool: Service, Sendable {
    /// How many pieces of work run at once.
    public let threadCount: Int
    private let threads: NIOThreadPool

    /// Starts `threadCount` threads (default: one per core).
    public init(threadCount: Int = System.coreCount) {
        precondition(threadCount > 0, "CPUWorkPool needs at least one thread")
        self.threadCount = threadCount
        self.threads = NIOThreadPool(numberOfThreads: threadCount)
        self.threads.start()
    }

    /// Runs `body` with a fresh pool and shuts the pool down afterwards, whatever happens.
    public static func withPool<Result: Sendable>(
        threadCount: Int = System.coreCount,
        _ body: (CPUWorkPool) async throws -> Result
    ) async throws -> Result {
        let pool = CPUWorkPool(threadCount: threadCount)
        do {
            let result = try await body(pool)
            try await pool.shutdown()
            return result
        } catch {
            try? await pool.shutdown()
            throw error
        }
    }

    /// Runs `work` on one of the pool's threads and returns its result. Work that has not started
    /// when the calling task is cancelled does not run (`ImagingError.Kind.cancelled`); work that has
    /// started runs to its end.
    public func execute<Result: Sendable>(
        _ work: @escaping @Sendable () throws(ImagingError) -> Result
    ) async throws(ImagingError) -> Result {
        if Task.isCancelled { throw .cancelled() }
        do {
            return try await threads.runIfActive { () throws -> Result in try work() }
        } catch let error as ImagingError {
            throw error
        } catch is CancellationError where Task.isCancelled {
            throw .cancelled()
        } catch {
            // NIO also reports a pool that is shut down as a CancellationError.
            throw .internal("the CPU work pool is not running")
        }
    }

    /// `Service`: keeps the threads until graceful shutdown, then stops them after the work in
    /// progress and queued work has finished.
    public func run() async throws {
        try? await gracefulShutdown()
        try await shutdown()
    }

    /// Stops the threads once queued work has run. Work submitted afterwards fails.
    public func shutdown() async throws {
        try await threads.shutdownGracefully()
    }
}
