import Diagnostics
import Files
import JobEngine
import Messaging
import Policies
import ServiceModule
import SettingsModel
import Telemetry
import Verification

/// The service modules of this worker and what the rest of the worker learns from them: the
/// queues, job types, limit actions, breakers and settings they declare.
public struct ModuleCatalog: Sendable {
    /// The registered modules, in order.
    public let modules: [any ServiceModule]

    /// Registers `modules`.
    public init(modules: [any ServiceModule]) {
        self.modules = modules
    }

    /// The modules of this build: messaging, files, verification, telemetry (tracing settings),
    /// diagnostics (and planned features).
    public static let standard = ModuleCatalog(
        modules: [MessagingModule(), FilesModule(), VerificationModule(), TelemetryModule(), PlannedModule(), DiagnosticsModule()])

    /// Every declared queue, in declaration order.
    public var queues: [QueueDeclaration] { self.modules.flatMap(\.queues) }

    /// Every declared job type.
    public var jobTypes: [JobTypeDeclaration] { self.modules.flatMap(\.jobTypes) }

    /// The default lane of every declared type not in `default` (for ``JobProducer/defaultPriorities``).
    public var jobPriorities: [String: JobPriority] {
        var out: [String: JobPriority] = [:]
        for type in self.jobTypes where type.priority != .default { out[type.name] = type.priority }
        return out
    }

    /// Every declared breaker.
    public var dependencies: [DependencyDeclaration] { self.modules.flatMap(\.dependencies) }

    /// Every module's settings sections.
    public var settings: [SettingGroup] { self.modules.flatMap(\.settings) }

    /// The keys of a declared queue, or of another queue with the default group `<queue>_workers`.
    public func keys(for queue: String) -> QueueKeys {
        if let declared = self.queues.first(where: { $0.name == queue }) { return declared.keys }
        return QueueKeys(queue: queue, group: queue.replacing("_queue", with: "") + "_workers")
    }

    /// Whether a queue's jobs use the CPU or block (`false` for queues no module declares).
    public func isCPUBound(_ queue: String) -> Bool {
        self.queues.first(where: { $0.name == queue })?.cpuBound ?? false
    }

    /// Default concurrency of a queue (64 for queues no module declares).
    public func defaultConcurrency(for queue: String) -> Int {
        self.queues.first(where: { $0.name == queue })?.defaultConcurrency ?? 64
    }

    /// The per-user limits the modules declare, before `BLUEPRINT_USER_LIMITS` changes them.
    public func defaultLimitRules() throws(RateLimitSettingError) -> RateLimitRules {
        var limits: [String: RateLimit] = [:]
        var actions: [String: String] = [:]
        for action in self.modules.flatMap(\.limitActions) {
            if action.defaultLimit.lowercased() != "off" {
                limits[action.name] = try RateLimit(action: action.name, parsing: action.defaultLimit)
            }
            for type in action.jobTypes { actions[type] = action.name }
        }
        return RateLimitRules(limits: limits, actions: actions)
    }

    /// Builds every module and returns one registry: the handlers they built, and for each declared
    /// type they could not build a handler that refuses its jobs with the module's reason.
    public func build(_ context: inout ModuleContext) throws -> (registry: JobRegistry, builds: [ModuleBuild]) {
        var registry = JobRegistry()
        var builds: [ModuleBuild] = []
        for module in self.modules {
            let build = try module.build(&context)
            for handler in build.registry.all { registry.register(handler) }
            for type in module.jobTypes where build.registry.handler(for: type.name) == nil {
                let reason = build.unavailable[type.name] ?? "not implemented"
                let queues: Set<String>? = type.queue == JobTypeDeclaration.anyQueue ? nil : [type.queue]
                registry.register(UnavailableJob.handler(type: type.name, queues: queues, reason: reason))
            }
            builds.append(build)
        }
        return (registry, builds)
    }
}
