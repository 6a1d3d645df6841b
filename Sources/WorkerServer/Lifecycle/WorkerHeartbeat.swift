import Foundation
import JobEngine
import Logging
import ServiceLifecycle

/// Writes this worker's heartbeat record every ``interval`` so dashboards can list live workers,
/// and removes it on graceful shutdown. A `Service`; Redis failures are logged and retried on the
/// next beat.
public final class WorkerHeartbeat: Service, Sendable {
    let directory: WorkerDirectory
    let interval: Duration
    let engine: JobEngine
    let httpAddress: String?
    let logger: Logger
    let startedAt: Int64

    /// Creates the heartbeat of `engine`'s worker.
    public init(
        directory: WorkerDirectory, engine: JobEngine, httpAddress: String?, interval: Duration = .seconds(5),
        logger: Logger
    ) {
        self.directory = directory
        self.engine = engine
        self.httpAddress = httpAddress
        self.interval = interval
        self.logger = logger
        self.startedAt = directory.now()
    }

    /// The record written now.
    public func currentInfo() -> WorkerInfo {
        WorkerInfo(
            id: self.engine.configuration.workerID, host: ProcessInfo.processInfo.hostName,
            pid: ProcessInfo.processInfo.processIdentifier, queues: self.engine.configuration.queues.filter { $0.partition == 0 }.map(\.logicalQueue),
            startedAt: self.startedAt, lastSeen: self.directory.now(), running: self.engine.runningJobs,
            http: self.httpAddress)
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.directory.beat(self.currentInfo())
                } catch {
                    self.logger.warning("worker heartbeat failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: self.interval)
            }
        }
        do {
            try await self.directory.remove(self.engine.configuration.workerID)
        } catch {
            self.logger.info(
                "could not remove the worker heartbeat; it expires by itself", metadata: ["error": "\(error)"])
        }
    }
}
