import Foundation
import JobEngine
import Logging
import RedisClient
import Secrets
import SettingsModel
import WorkerServer

/// Every setting of a command: the settings file (`BLUEPRINT_CONFIG`) and secrets directory
/// overlaid by the environment, validated together so that each bad setting gets its own line.
public struct ConfiguredSettings: Sendable {
    /// Redis, engine, logging, policies.
    public var core: CoreSettings
    /// The HTTP server.
    public var server: ServerSettings
    /// Every merged value, read by the modules through their declarations.
    public var values: SettingValues
    /// The modules whose declarations these settings were read with.
    public let catalog: ModuleCatalog

    /// Every settings section: the worker's own, then each module's.
    public static func groups(catalog: ModuleCatalog) -> [SettingGroup] {
        ConfigurationLoader.groups + CoreSettings.groups + PolicySettings.groups + PeriodicSettings.groups + ServerSettings.groups
            + SecretStore.groups + catalog.settings
    }

    /// Names of every declared secret setting (each gets `NAME_FILE` and Vault support and is masked in logs).
    public static func secretNames(catalog: ModuleCatalog) -> [String] {
        var seen = Set<String>()
        return Self.groups(catalog: catalog).flatMap(\.settings).filter(\.isSecret).map(\.name).filter { seen.insert($0).inserted }
    }

    /// Every name a settings file may hold: each declared setting, and `NAME_FILE` for each secret.
    public static func declaredNames(catalog: ModuleCatalog) -> Set<String> {
        let settings = Self.groups(catalog: catalog).flatMap(\.settings)
        return Set(settings.map(\.name)).union(settings.filter(\.isSecret).map { $0.name + "_FILE" })
    }

    /// Loads and validates the settings file, the secrets directory and the environment.
    ///
    /// - Throws: ``InvalidSettings`` with one line per problem (file, then core, policy and HTTP settings).
    public static func load(
        environment: [String: String] = ProcessInfo.processInfo.environment, catalog: ModuleCatalog = .standard
    ) async throws(InvalidSettings) -> ConfiguredSettings {
        let (merged, fileProblems) = await ConfigurationLoader.loadCollectingProblems(
            environment: environment, declaredNames: Self.declaredNames(catalog: catalog))
        var values = SettingValues(merged, environment: ProcessInfo.processInfo.environment)
        let core = CoreSettings.parse(&values, catalog: catalog)
        var serverProblems: [String] = []
        let server = ServerSettings.parse(merged, problems: &serverProblems)
        for problem in serverProblems { values.report(problem) }
        let problems = fileProblems + values.problems
        guard problems.isEmpty else { throw InvalidSettings(problems: problems) }
        return ConfiguredSettings(core: core, server: server, values: values, catalog: catalog)
    }

    /// The queues operator commands know: the declared queues and any configured others (the
    /// logical queues: partitions ≥ 1 are reached through ``CoreSettings/partitions``).
    public var knownQueues: [QueueKeys] {
        var queues = self.catalog.queues.map(\.keys)
        for queue in self.core.engine.queues.filter({ $0.partition == 0 }).map(\.keys) where !queues.contains(where: { $0.stream == queue.stream }) {
            queues.append(queue)
        }
        return queues
    }
}

/// Settings with bad values: one line per problem, naming the setting, never a secret's value.
public struct InvalidSettings: Error, CustomStringConvertible {
    /// One line per problem.
    public var problems: [String]

    /// Wraps the problems.
    public init(problems: [String]) {
        self.problems = problems
    }

    public var description: String { self.problems.map { "invalid setting: \($0)" }.joined(separator: "\n") }
}
