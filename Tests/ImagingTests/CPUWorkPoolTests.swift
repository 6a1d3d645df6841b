import Foundation
import Synchronization
import Testing

@testable import Imaging

@Suite("Imaging: CPU work pool")
struct CPUWorkPoolTests {
    @Test("no more than threadCount pieces of work run at once; all of them run")
    func bounded() async throws {
        let running = Shared((now: 0, peak: 0))
        let results = try await CPUWorkPool.withPool(threadCount: 2) { pool in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<12 {
                    group.addTask {
                        try await pool.execute { () throws(ImagingError) -> Int in
                            running.state.withLock {
                                $0.now += 1; $0.peak = max($0.peak, $0.now)
                            }
                            usleep(5_000)  // stands for CPU work that keeps the thread
                            running.state.withLock { $0.now -= 1 }
                            return index
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        #expect(results.sorted() == Array(0..<12))
        #expect(running.state.withLock { $0.peak } <= 2)
        #expect(running.state.withLock { $0.peak } >= 1)
    }

    @Test("an ImagingError thrown by the work reaches the caller as is")
    func errorsPassThrough() async throws {
        try await CPUWorkPool.withPool(threadCount: 1) { pool in
            let error = await #expect(throws: ImagingError.self) {
                try await pool.execute { () throws(ImagingError) -> Int in throw .truncated() }
            }
            #expect(error?.kind == .truncated)
        }
    }

    @Test("work submitted after shutdown fails with an internal error")
    func afterShutdown() async throws {
        let pool = CPUWorkPool(threadCount: 1)
        try await pool.shutdown()
        let error = await #expect(throws: ImagingError.self) {
            try await pool.execute { () throws(ImagingError) -> Int in 1 }
        }
        #expect(error?.kind == .internal)
    }

    @Test("work not yet started when its task is cancelled does not run")
    func cancelled() async throws {
        try await CPUWorkPool.withPool(threadCount: 1) { pool in
            let ran = Shared(false)
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await pool.execute { () throws(ImagingError) -> Bool in
                    ran.state.withLock { $0 = true }
                    return true
                }
            }
            let result = await task.result
            #expect(throws: ImagingError.self) { try result.get() }
            #expect(ran.state.withLock { $0 } == false)
        }
    }
}
