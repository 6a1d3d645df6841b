import JobEngine
import SettingsModel

/// A service plugged into the worker (Messaging, Files, Verification, Diagnostics...).
///
/// A module declares in one place everything the rest of the worker learns about it: its queues,
/// its job types, the external dependencies that get a circuit breaker, its per-user limit
/// actions with their defaults, and the settings (secret or not) it reads. The engine, the
/// policies, the configuration, `check-config` and `docs/configuration.md` take these
/// declarations from the registered modules; adding a job type touches its service only.
///
/// Declarations are static facts (they need no settings); ``build(_:)`` reads the settings and
/// makes the handlers.
public protocol ServiceModule: Sendable {
    /// Short name for logs and docs, e.g. `messaging`.
    var name: String { get }
    /// The queues its job types arrive on.
    var queues: [QueueDeclaration] { get }
    /// Every job type it owns, handled or not in a given configuration.
    var jobTypes: [JobTypeDeclaration] { get }
    /// External dependencies guarded by a circuit breaker (the names handlers use in
    /// ``JobDefinition/dependencies``).
    var dependencies: [DependencyDeclaration] { get }
    /// Per-user limit actions and their defaults.
    var limitActions: [LimitActionDeclaration] { get }
    /// The settings it reads, as sections of the configuration docs.
    var settings: [SettingGroup] { get }

    /// Reads its settings (reporting each bad value on `context.values`) and builds the handlers
    /// of the job types it can run in this configuration; declared types without a handler are
    /// answered with the module's ``ModuleBuild/unavailable`` reason.
    func build(_ context: inout ModuleContext) throws -> ModuleBuild
}

extension ServiceModule {
    /// No breakers by default.
    public var dependencies: [DependencyDeclaration] { [] }
    /// No limits by default.
    public var limitActions: [LimitActionDeclaration] { [] }
    /// No settings by default.
    public var settings: [SettingGroup] { [] }
}
