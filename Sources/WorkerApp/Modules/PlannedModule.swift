import JobEngine
import ServiceModule
import SettingsModel

/// Features of the contract not built yet, declared so that deployments may set them already: a
/// planned job type is declared here, answered with a clear permanent "not implemented" error; a
/// planned setting is declared in ``settings`` (none at present).
struct PlannedModule: ServiceModule {
    var name: String { "planned" }

    var queues: [QueueDeclaration] { [] }

    var jobTypes: [JobTypeDeclaration] { [] }

    func build(_ context: inout ModuleContext) throws -> ModuleBuild {
        var build = ModuleBuild()
        for type in self.jobTypes { build.unavailable[type.name] = "not implemented" }
        return build
    }
}
