import ArgumentParser
import Foundation
import JobEngine
import Logging
import RedisClient
import ServiceLifecycle

/// `blueprint serve`: runs a worker until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a worker: consume the configured queues until SIGTERM/SIGINT (then drain gracefully).")

    func run() async throws {
        let configured = try await ConfiguredSettings.load()
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
        JobCatalog.registerNotImplemented(in: &registry)

        let client = RedisClient(configuration: settings.redis, logger: logger)
        let operations = OperationsSurface(configured: configured, logger: logger)
        let engine = JobEngine(configuration: operations.instrument(settings.engine, types: registry.names), registry: registry, client: client, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: client), .init(service: engine)] + operations.services(engine: engine, client: client),
                gracefulShutdownSignals: [.sigterm, .sigint],
                cancellationSignals: [],
                logger: logger))
        logger.info("worker ready", metadata: ["worker": "\(settings.engine.workerID)", "redis": "\(settings.redis.endpoint.displayName)"])
        try await group.run()
    }
}
