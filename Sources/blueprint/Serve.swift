import ArgumentParser
import Foundation
import JobEngine
import Logging
import RedisClient
import ServiceLifecycle
import WorkerServer

/// `blueprint serve`: runs a worker until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a worker: consume the configured queues until SIGTERM/SIGINT (then drain gracefully).")

    func run() async throws {
        let configured = try await ConfiguredSettings.load(environment: await SecretBootstrap.environment())
        let settings = configured.core
        let level = settings.logLevel
        LoggingSystem.bootstrap { label in
            var handler = JSONLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "blueprint")
        logger.logLevel = level

        var registry = JobRegistry()
        if settings.diagnostics { CanaryJob.register(in: &registry) }
        let messaging = try MessagingWiring.register(in: &registry, values: configured.values, logger: logger)
        JobCatalog.registerNotImplemented(in: &registry)

        let client = RedisClient(configuration: settings.redis, logger: logger)
        var engineConfiguration = settings.engine
        let breakers = settings.policies.install(into: &engineConfiguration, client: client, logger: logger)
        let operations = OperationsSurface(configured: configured, logger: logger)
        let engine = JobEngine(configuration: operations.instrument(engineConfiguration, types: registry.names), registry: registry, client: client, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: client), .init(service: engine)] + operations.services(engine: engine, client: client, breakers: {
                    breakers.snapshots().map { BreakerState(name: $0.dependency, state: $0.state.rawValue, failures: $0.failures) }
                }),
                gracefulShutdownSignals: [.sigterm, .sigint],
                cancellationSignals: [],
                logger: logger))
        logger.info("worker ready", metadata: ["worker": "\(settings.engine.workerID)", "redis": "\(settings.redis.endpoint.displayName)"])
        try await group.run()
        await messaging.shutdown()
    }
}
