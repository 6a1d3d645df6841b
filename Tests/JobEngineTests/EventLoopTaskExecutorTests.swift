import NIOPosix
import Testing

@testable import JobEngine

@Suite("Event loop task executor")
struct EventLoopTaskExecutorTests {
    @Test func tasksPreferringItRunOnTheLoop() async {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let executor = EventLoopTaskExecutor(loop)
        let onLoop = await withTaskExecutorPreference(executor) {
            await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        await Task.yield()  // resumes through the executor
                        return loop.inEventLoop
                    }
                }
                return await group.reduce(loop.inEventLoop) { $0 && $1 }
            }
        }
        #expect(onLoop)
    }
}
