import ArgumentParser
import Foundation
import Logging
import Observability
import Prometheus
import Telemetry
import WorkerApp

/// `blueprint serve`: runs a worker until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a worker: consume the configured queues until SIGTERM/SIGINT (then drain gracefully).")

    func run() async throws {
        let redactor = PIIRedactor()
        let catalog = ModuleCatalog.standard
        let environment = try await loadSecrets(catalog: catalog, redactor: redactor)
        let configured = try await loadSettings(environment: environment, catalog: catalog)
        let metrics = PrometheusCollectorRegistry()
        WorkerApplication.bootstrapProcess(level: configured.core.logLevel, redactor: redactor, metrics: metrics)
        var logger = Logger(label: "blueprint")
        logger.logLevel = configured.core.logLevel
        // Before the services are made: the shared HTTP client takes the tracer it finds then.
        let tracing = try TracingBootstrap.bootstrap(TracingEnvironment(values: configured.values), logger: logger)
        let application = WorkerApplication(configured: configured, redactor: redactor, metrics: metrics, logger: logger)
        do {
            try await application.run(tracing: tracing)
        } catch let invalid as InvalidSettings {
            failInvalidSettings(invalid)
        }
        JSONLogOutput.standardError.flush()
    }
}
