import ArgumentParser
import Foundation

/// `blueprint check-config`: validates the settings (file + secrets directory + environment) without
/// connecting to anything; for CI and for checking a ConfigMap before a rollout.
struct CheckConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the settings and print a summary (secrets are never printed).",
        discussion: "Exit code 0 when every setting is valid, 2 (one line per problem on stderr) otherwise.")

    func run() async throws {
        let configured = try await ConfiguredSettings.load()
        let core = configured.core
        let server = configured.server
        let queues = core.engine.queues.map { "\($0.keys.stream)(\($0.concurrency))" }.joined(separator: ",")
        print("settings ok")
        print(
            "  redis:      \(core.redis.endpoint.displayName) db \(core.redis.database)\(core.redis.tls == nil ? "" : " tls")"
        )
        print("  worker:     \(core.engine.workerID)")
        print("  queues:     \(queues)")
        print(
            "  http:       \(server.host):\(server.port) (admin API \(server.adminToken == nil ? "disabled" : "enabled"))"
        )
        print("  log level:  \(core.logLevel)")
        print("  sources:    \(Self.sources(configured.values))")
    }

    static func sources(_ values: [String: String]) -> String {
        var parts = ["environment"]
        if let path = values["BLUEPRINT_SECRETS_DIR"], !path.isEmpty { parts.append("secrets directory \(path)") }
        if let path = ProcessInfo.processInfo.environment["BLUEPRINT_CONFIG"], !path.isEmpty {
            parts.append("settings file \(path)")
        }
        return parts.joined(separator: " > ")
    }
}
