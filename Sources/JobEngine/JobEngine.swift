import Logging
import RedisClient
import ServiceLifecycle

/// The job engine: one consumer per configured queue and the retry scheduler.
///
/// A `Service`: ``run()`` processes jobs until a graceful shutdown (SIGTERM in a `ServiceGroup`)
/// or cancellation. On graceful shutdown it stops reading, lets running jobs finish within
/// ``EngineConfiguration/shutdownGracePeriod`` and leaves the rest pending for another worker.
/// List the ``RedisClient`` before the engine in the `ServiceGroup`, so Redis stays up while
/// the engine drains (services stop in reverse order).
public final class JobEngine: Service, Sendable {
    public let configuration: EngineConfiguration
    public let registry: JobRegistry
    public let client: RedisClient
    private let logger: Logger
    private let consumers: [QueueConsumer]
    private let scheduler: RetryScheduler

    public init(configuration: EngineConfiguration, registry: JobRegistry, client: RedisClient, logger: Logger) {
        self.configuration = configuration
        self.registry = registry
        self.client = client
        var logger = logger
        logger[metadataKey: "worker"] = "\(configuration.workerID)"
        self.logger = logger
        self.consumers = configuration.queues.map {
            QueueConsumer(queue: $0, registry: registry, client: client, configuration: configuration, logger: logger)
        }
        self.scheduler = RetryScheduler(queues: configuration.queues.map(\.keys), client: client,
                                        configuration: configuration, logger: logger)
    }

    public func run() async throws {
        self.logger.info(
            "job engine starting",
            metadata: ["queues": "\(self.configuration.queues.map(\.keys.stream).joined(separator: ","))",
                       "job_types": "\(self.registry.names.joined(separator: ","))"])
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for consumer in self.consumers {
                    group.addTask { await consumer.run() }
                }
                group.addTask { await self.scheduler.run() }
                await group.waitForAll()
            }
        } onGracefulShutdown: {
            self.stop()
        }
        self.logger.info("job engine stopped")
    }

    /// Stops reading and drains (what a graceful shutdown does); ``run()`` returns when done.
    public func stop() {
        self.logger.info("job engine stopping")
        for consumer in self.consumers { consumer.stop() }
        self.scheduler.stop()
    }

    /// Queues this worker found paused at its last check (`blueprint pause`), so it reads nothing
    /// from them: logical names (a partitioned queue is listed when any partition is paused).
    public var pausedQueues: Set<String> {
        Set(self.consumers.filter { $0.pausedSeen.withLockedValue { $0 } }.map(\.queue.logicalQueue))
    }

    /// Jobs running now, by logical queue (summed over the partitions).
    public var runningJobs: [String: Int] {
        Dictionary(self.consumers.map { ($0.queue.logicalQueue, $0.inFlight.running) }, uniquingKeysWith: +)
    }
}
