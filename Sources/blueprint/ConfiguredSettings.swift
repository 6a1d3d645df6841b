import ArgumentParser
import Foundation
import JobEngine
import Logging
import RedisClient
import WorkerServer

/// Every setting of a command: the settings file (`BLUEPRINT_CONFIG`) overlaid by the environment,
/// validated together so that each bad setting gets its own line (exit code 2).
struct ConfiguredSettings {
    var core: Settings
    var server: ServerSettings
    /// The merged values (file + environment), for settings read elsewhere.
    var values: [String: String]

    /// Loads and validates; prints every problem (file, then core settings, then HTTP settings)
    /// and exits with code 2 when any is found.
    static func load(environment: [String: String] = ProcessInfo.processInfo.environment) async throws
        -> ConfiguredSettings
    {
        let (values, fileProblems) = await ConfigurationLoader.loadCollectingProblems(environment: environment)
        var lines = fileProblems.map { "invalid setting: \($0)" }
        var core: Settings?
        do {
            core = try Settings.fromEnvironment(values)
        } catch let invalid as Settings.Invalid {
            lines.append(invalid.description)
        }
        var serverProblems: [String] = []
        let server = ServerSettings.parse(values, problems: &serverProblems)
        lines += serverProblems.map { "invalid setting: \($0)" }
        guard lines.isEmpty, let core else { Self.fail(lines.joined(separator: "\n")) }
        return ConfiguredSettings(core: core, server: server, values: values)
    }

    /// The queues operator commands know: the four standard queues and any configured others.
    var knownQueues: [QueueKeys] {
        var queues = StandardQueues.all
        for queue in self.core.engine.queues.map(\.keys) where !queues.contains(where: { $0.stream == queue.stream }) {
            queues.append(queue)
        }
        return queues
    }

    private static func fail(_ text: String) -> Never {
        FileHandle.standardError.write(Data((text + "\n").utf8))
        Foundation.exit(ExitCodes.invalidSettings)
    }
}

/// Runs `body` with a queue inspector over a connected client (for operator commands).
func withInspector<T: Sendable>(_ body: @Sendable (QueueInspector, ConfiguredSettings) async throws -> T) async throws
    -> T
{
    let configured = try await ConfiguredSettings.load()
    var logger = Logger(label: "blueprint")
    logger.logLevel = .critical
    var configuration = configured.core.redis
    configuration.poolSize = 1
    configuration.connectTimeout = .seconds(3)
    let client = RedisClient(configuration: configuration, logger: logger)
    let runner = Task { try await client.run() }
    defer { runner.cancel() }
    let inspector = QueueInspector(queues: configured.knownQueues, client: client)
    do {
        return try await body(inspector, configured)
    } catch let error as RedisClientError {
        FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
        throw ExitCode(ExitCodes.failure)
    } catch let error as RedisServerError {
        FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
        throw ExitCode(ExitCodes.failure)
    }
}

/// The keys of a queue operator commands may touch; a usage error (64) for others.
func knownQueue(_ name: String, in inspector: QueueInspector) throws -> QueueKeys {
    guard let keys = inspector.keys(for: name) else {
        FileHandle.standardError.write(
            Data(
                "error: unknown queue '\(name)'; known: \(inspector.queues.map(\.stream).joined(separator: ", ")) (add others with BLUEPRINT_QUEUES)\n"
                    .utf8))
        throw ExitCode(ExitCodes.usage)
    }
    return keys
}
