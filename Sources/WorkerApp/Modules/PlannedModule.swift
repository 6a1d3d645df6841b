import JobEngine
import ServiceModule
import SettingsModel

/// Settings of the contract whose features are not built yet (tracing), declared so that
/// deployments may set them already; they are read once the features exist. A planned job type
/// would be declared here too, answered with a clear permanent "not implemented" error.
struct PlannedModule: ServiceModule {
    var name: String { "planned" }

    var queues: [QueueDeclaration] { [] }

    var jobTypes: [JobTypeDeclaration] { [] }

    var settings: [SettingGroup] {
        [
            SettingGroup(
                "Tracing (planned)", summary: "OpenTelemetry export, once tracing exists; accepted now.",
                settings: [Setting("OTEL_EXPORTER_OTLP_ENDPOINT", .url, help: "OTLP/HTTP endpoint; tracing is off when unset.")]),
        ]
    }

    func build(_ context: inout ModuleContext) throws -> ModuleBuild {
        var build = ModuleBuild()
        for type in self.jobTypes { build.unavailable[type.name] = "not implemented" }
        return build
    }
}
