import JobEngine
import Logging
import Metrics
import Prometheus
import RedisClient
import ServiceLifecycle
import WorkerServer

/// The operations side of a worker: the Prometheus registry, the engine's job metrics, the HTTP
/// server and the worker heartbeat.
struct OperationsSurface {
    let configured: ConfiguredSettings
    let registry: PrometheusCollectorRegistry
    let logger: Logger

    init(configured: ConfiguredSettings, registry: PrometheusCollectorRegistry, logger: Logger) {
        self.configured = configured
        self.registry = registry
        self.logger = logger
    }

    /// `configuration` with the engine's per-attempt metrics attached.
    func instrument(_ configuration: EngineConfiguration, types: [String]) -> EngineConfiguration {
        var configuration = configuration
        configuration.metrics = PrometheusJobMetrics(
            registry: self.registry, queues: configuration.queues.map(\.keys.stream), types: types)
        return configuration
    }

    /// The heartbeat and the HTTP server, to run after the engine (so they stop before it drains).
    /// `breakers` reads the circuit breakers' states for `/metrics`, `/api/breakers` and the dashboard.
    func services(
        engine: JobEngine, client: RedisClient, periodic: PeriodicScheduler? = nil,
        breakers: @escaping @Sendable () async -> [BreakerState] = { [] }
    ) -> [ServiceGroupConfiguration.ServiceConfiguration] {
        let server = self.configured.server
        let address = "\(server.host):\(server.port)"
        let logger = self.logger
        var http = WorkerHTTPServer(
            settings: server,
            inspector: QueueInspector(queues: self.configured.knownQueues, client: client, partitions: self.configured.core.partitions),
            readiness: ReadinessCheck(client: client, queues: engine.configuration.queues.map(\.keys)),
            directory: WorkerDirectory(client: client),
            registry: self.registry,
            runningJobs: { engine.runningJobs },
            breakers: breakers,
            logger: logger)
        if let periodic { http.periodic = { try await periodic.status() } }
        let application = http.makeApplication { channel in
            let bound =
                channel.localAddress.map { "\($0.ipAddress ?? server.host):\($0.port ?? server.port)" } ?? address
            logger.info(
                "http server listening",
                metadata: [
                    "address": "\(bound)", "dashboard": "http://\(bound)/",
                    "admin_api": "\(server.adminToken == nil ? "disabled" : "enabled")",
                ])
        }
        let heartbeat = WorkerHeartbeat(
            directory: WorkerDirectory(client: client), engine: engine, httpAddress: address, logger: logger)
        // If either ends (e.g. the port is taken), the whole worker shuts down gracefully: in-flight jobs drain.
        return [
            .init(
                service: heartbeat, successTerminationBehavior: .gracefullyShutdownGroup,
                failureTerminationBehavior: .gracefullyShutdownGroup),
            .init(
                service: HTTPServerService(application: application, address: address),
                successTerminationBehavior: .gracefullyShutdownGroup,
                failureTerminationBehavior: .gracefullyShutdownGroup),
        ]
    }
}
