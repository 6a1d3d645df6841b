import Logging
import OTel
import ServiceLifecycle

/// Process-wide tracing set-up of `blueprint serve`: swift-otel's tracer with an OTLP/HTTP
/// (protobuf) exporter and the W3C trace-context propagator, or nothing at all.
///
/// Bootstrapping is global and allowed once per process: call it from the command, never from a
/// library or a test. When tracing is off the global tracer stays swift-distributed-tracing's
/// `NoOpTracer`, whose spans record nothing.
public enum TracingBootstrap {
    /// The service name when `OTEL_SERVICE_NAME` is unset.
    public static let defaultServiceName = "blueprint-worker"

    /// Bootstraps tracing when `environment` enables it and returns the exporter's service, to be
    /// run in the worker's `ServiceGroup` (it exports batches and flushes on graceful shutdown);
    /// returns `nil` (and bootstraps nothing) when tracing is off, or when a value is bad (the
    /// telemetry module reports it as an invalid setting).
    ///
    /// - Throws: swift-otel's configuration error (an unusable `OTEL_*` value).
    public static func bootstrap(_ environment: TracingEnvironment, logger: Logger) throws -> (any Service)? {
        guard environment.isEnabled, environment.problems.isEmpty else { return nil }
        var configuration = OTel.Configuration.default
        configuration.serviceName = Self.defaultServiceName
        // Traces only: logs stay JSON on stderr (redacted), metrics stay on /metrics.
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.enabled = true
        configuration.traces.exporter = .otlp
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        configuration.propagators = [.traceContext]
        configuration.diagnosticLogger = .custom(logger)
        // swift-otel logs every OTEL_* value it reads at info (values of secrets are masked by the
        // process's redactor, but they have no business in the log); OTEL_LOG_LEVEL still wins.
        configuration.diagnosticLogLevel = .warning
        // Handled by `isEnabled`; kept away from swift-otel, where `false` would turn logs and metrics back on.
        var variables = environment.variables
        variables["OTEL_SDK_DISABLED"] = nil
        return try OTel.bootstrap(configuration: configuration, environment: variables)
    }
}
