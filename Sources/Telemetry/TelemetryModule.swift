import ServiceModule
import SettingsModel

/// Declares the tracing settings and checks their values. It runs nothing: tracing is bootstrapped
/// once per process by `blueprint serve` (``TracingBootstrap``), never when modules are built.
public struct TelemetryModule: ServiceModule {
    public init() {}

    public var name: String { "telemetry" }

    public var queues: [QueueDeclaration] { [] }

    public var jobTypes: [JobTypeDeclaration] { [] }

    public var settings: [SettingGroup] { [TracingSettings.group] }

    public func build(_ context: inout ModuleContext) throws -> ModuleBuild {
        for problem in TracingEnvironment(values: context.values).problems { context.values.report(problem) }
        return ModuleBuild()
    }
}
