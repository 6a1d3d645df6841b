import SettingsModel

/// The tracing settings: the standard OpenTelemetry variables this worker documents. Every other
/// `OTEL_*` variable swift-otel knows (batch delays, sampler, resource attributes) is honoured too.
public enum TracingSettings {
    /// Base OTLP/HTTP endpoint; traces go to `<endpoint>/v1/traces`.
    public static let endpoint = Setting(
        "OTEL_EXPORTER_OTLP_ENDPOINT", .url,
        help: "OTLP/HTTP (protobuf) collector base URL, e.g. http://otel-collector:4318; traces are posted to /v1/traces. Tracing is off when this and OTEL_EXPORTER_OTLP_TRACES_ENDPOINT are unset.")
    /// Full OTLP/HTTP traces URL (wins over ``endpoint``).
    public static let tracesEndpoint = Setting(
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", .url,
        help: "OTLP/HTTP traces URL used as is (e.g. http://otel-collector:4318/v1/traces); wins over OTEL_EXPORTER_OTLP_ENDPOINT.")
    /// Headers sent with every export (often a credential).
    public static let headers = Setting(
        "OTEL_EXPORTER_OTLP_HEADERS", secret: true,
        help: "Headers sent with every export, as key=value pairs separated by commas (e.g. an authorization token).")
    /// The `service.name` resource attribute.
    public static let serviceName = Setting(
        "OTEL_SERVICE_NAME", default: "blueprint-worker", help: "The service.name of the exported spans.")
    /// Milliseconds between batch exports.
    public static let scheduleDelay = Setting(
        "OTEL_BSP_SCHEDULE_DELAY", .integer(1...600_000), default: "5000",
        help: "Milliseconds between span batch exports (spans are also flushed on shutdown).")

    /// The settings read by ``TracingBootstrap`` from the worker's settings (file, secrets, environment).
    public static let all = [endpoint, tracesEndpoint, headers, serviceName, scheduleDelay]

    /// The group `blueprint check-config` and docs/configuration.md show.
    public static let group = SettingGroup(
        "Tracing", summary: "OpenTelemetry traces exported over OTLP/HTTP; off (and free) when no endpoint is set.",
        settings: all)
}
