import JobEngine
import ServiceModule
import SettingsModel

/// The diagnostics module: the `canary` job on every queue, when `BLUEPRINT_DIAGNOSTICS=1`.
public struct DiagnosticsModule: ServiceModule {
    /// `BLUEPRINT_DIAGNOSTICS`.
    public static let enabled = Setting(
        "BLUEPRINT_DIAGNOSTICS", .boolean, default: "0",
        help: "`1` enables the `canary` job type on every queue (smoke tests, benchmarks).")

    /// The module.
    public init() {}

    public var name: String { "diagnostics" }
    public var queues: [QueueDeclaration] { [] }
    public var jobTypes: [JobTypeDeclaration] {
        [JobTypeDeclaration(CanaryJob.name, queue: JobTypeDeclaration.anyQueue, summary: "sleeps, fails or records on demand (diagnostics on)")]
    }
    public var settings: [SettingGroup] {
        [SettingGroup("Diagnostics", summary: "Smoke tests and benchmarks.", settings: [Self.enabled])]
    }

    public func build(_ context: inout ModuleContext) throws -> ModuleBuild {
        var build = ModuleBuild()
        if context.values.bool(Self.enabled) {
            CanaryJob.register(in: &build.registry)
        } else {
            build.unavailable[CanaryJob.name] = "diagnostics are off (BLUEPRINT_DIAGNOSTICS=1 enables the canary)"
        }
        return build
    }
}
