import Foundation
import JobEngine
import Logging
import Metrics
import Observability
import OutboundHTTP
import Policies
import Prometheus
import RedisClient
import ServiceLifecycle
import ServiceModule
import SettingsModel
import WorkerServer

/// The wiring of a worker process: settings -> service modules -> one `ServiceGroup`.
///
/// Services start in this order and stop in reverse: the outbound HTTP client, the Redis client,
/// the alert notifier, the modules' own services, the engine, then the heartbeat and the HTTP
/// server (which therefore stop first, while the engine drains).
public struct WorkerApplication: Sendable {
    /// The validated settings.
    public let configured: ConfiguredSettings
    /// The process's redactor (secrets and personal data masked in logs).
    public let redactor: PIIRedactor
    /// The Prometheus registry behind `/metrics`.
    public let metrics: PrometheusCollectorRegistry
    /// The worker's logger.
    public let logger: Logger

    /// Creates the wiring; nothing runs until ``run()`` or ``makeServices()``.
    public init(
        configured: ConfiguredSettings, redactor: PIIRedactor, metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        logger: Logger
    ) {
        self.configured = configured
        self.redactor = redactor
        self.metrics = metrics
        self.logger = logger
    }

    /// What ``makeServices()`` built.
    public struct Services: Sendable {
        /// Every service, in start order.
        public var services: [ServiceGroupConfiguration.ServiceConfiguration]
        /// The engine.
        public var engine: JobEngine
        /// The job types of this configuration.
        public var registry: JobRegistry
        /// The circuit breakers (one per dependency of the running job types).
        public var breakers: CircuitBreakerRegistry
        /// Called after the group has stopped (close transports).
        public var shutdown: @Sendable () async -> Void
    }

    /// Builds every service; modules read their settings here.
    ///
    /// - Throws: ``InvalidSettings`` when a module reports bad values.
    public func makeServices() throws -> Services {
        let settings = self.configured.core
        let http = OutboundHTTPClient(logger: self.logger)
        let client = RedisClient(configuration: settings.redis, logger: self.logger)
        let (registry, builds, problems) = try self.buildModules(http: http, redis: client)
        if !problems.isEmpty {
            try? http.client.syncShutdown()
            throw InvalidSettings(problems: problems)
        }

        var engineConfiguration = settings.engine
        let (breakers, policyServices) = settings.policies.install(
            into: &engineConfiguration, client: client, redactor: self.redactor, logger: self.logger)
        // The breakers of the job types this worker runs, listed from the start.
        breakers.declare(Set(registry.all.flatMap(\.dependencies)).sorted())
        var alerts: AlertNotifier?
        if let url = settings.alertWebhookURL {
            let notifier = AlertNotifier(
                url: url, worker: engineConfiguration.workerID, interval: settings.alertInterval, http: http,
                now: engineConfiguration.now, logger: self.logger)
            engineConfiguration.deadLetterListener = notifier
            alerts = notifier
        }
        let operations = OperationsSurface(configured: self.configured, registry: self.metrics, logger: self.logger)
        let engine = JobEngine(
            configuration: operations.instrument(engineConfiguration, types: registry.names), registry: registry, client: client,
            logger: self.logger)

        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: http), .init(service: client)]
        if let alerts { services.append(.init(service: alerts)) }
        services += policyServices.map { .init(service: $0) }
        services += builds.flatMap(\.services).map { .init(service: $0) }
        services.append(.init(service: engine))
        // Periodic jobs: one scheduler per worker (each tick is enqueued once across all of them).
        let periodic = PeriodicScheduler(
            jobs: settings.periodic, client: client, now: engineConfiguration.now, clock: engineConfiguration.clock, logger: self.logger)
        if !settings.periodic.isEmpty { services.append(.init(service: periodic)) }
        services += operations.services(engine: engine, client: client, periodic: periodic) {
            breakers.snapshots().map { BreakerState(name: $0.dependency, state: $0.state.rawValue, failures: $0.failures) }
        }
        let shutdowns = builds.compactMap(\.shutdown)
        return Services(services: services, engine: engine, registry: registry, breakers: breakers) {
            for shutdown in shutdowns { await shutdown() }
        }
    }

    /// Builds every module without running anything (`blueprint check-config`): each declared job
    /// type with `ready` or the reason it is unavailable in this configuration.
    ///
    /// - Throws: ``InvalidSettings`` when a module reports bad values.
    public func check() async throws -> [(type: JobTypeDeclaration, status: String)] {
        let http = OutboundHTTPClient(logger: self.logger)
        let client = RedisClient(configuration: self.configured.core.redis, logger: self.logger)
        let built: (registry: JobRegistry, builds: [ModuleBuild], problems: [String])
        do {
            built = try self.buildModules(http: http, redis: client)
        } catch {
            try? await http.shutdown()
            throw error
        }
        try? await http.shutdown()
        for shutdown in built.builds.compactMap(\.shutdown) { await shutdown() }
        if !built.problems.isEmpty { throw InvalidSettings(problems: built.problems) }
        var reasons: [String: String] = [:]
        for build in built.builds { reasons.merge(build.unavailable) { first, _ in first } }
        return self.configured.catalog.jobTypes.map { type in
            (type, built.builds.contains { $0.registry.handler(for: type.name) != nil } ? "ready" : reasons[type.name] ?? "not implemented")
        }
    }

    /// Builds every module over `http` and `redis` (neither running yet): the merged registry, the
    /// builds, and the bad values the modules reported.
    private func buildModules(http: OutboundHTTPClient, redis: RedisClient) throws
        -> (registry: JobRegistry, builds: [ModuleBuild], problems: [String])
    {
        let usage = self.configured.core.policies.limits.map { rules in
            RateLimitUsageMeter(limiter: RateLimiter(client: redis, now: self.configured.core.engine.now), rules: rules)
        }
        var context = ModuleContext(
            values: self.configured.values, logger: self.logger, http: http, redis: redis,
            dataDirectory: self.configured.values.string(CoreSettings.dataDirectory) ?? "var", usage: usage)
        let (registry, builds) = try self.configured.catalog.build(&context)
        return (registry, builds, context.values.problems)
    }

    /// Runs the worker until SIGTERM or SIGINT, then drains gracefully.
    ///
    /// - Parameter tracing: the trace exporter's service (`TracingBootstrap`), if tracing is on; it
    ///   starts first and stops last, so the spans of the drain are exported too.
    public func run(tracing: (any Service)? = nil) async throws {
        let built = try self.makeServices()
        let services = (tracing.map { [ServiceGroupConfiguration.ServiceConfiguration(service: $0)] } ?? []) + built.services
        let group = ServiceGroup(
            configuration: .init(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: self.logger))
        self.logger.info(
            "worker ready",
            metadata: [
                "worker": "\(self.configured.core.engine.workerID)", "redis": "\(self.configured.core.redis.targetDescription)",
            ])
        try await group.run()
        await built.shutdown()
    }

    /// Process-wide set-up of `blueprint serve`: JSON logs through `redactor` at the configured
    /// level, and swift-metrics reporting into `metrics`. Call once per process.
    public static func bootstrapProcess(level: Logger.Level, redactor: PIIRedactor, metrics: PrometheusCollectorRegistry) {
        LoggingSystem.bootstrap { label in
            var handler = JSONLogHandler(label: label, redact: { redactor.redact($0) })
            handler.logLevel = level
            return handler
        }
        // Libraries reporting through swift-metrics land on the same /metrics page.
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics))
    }
}
