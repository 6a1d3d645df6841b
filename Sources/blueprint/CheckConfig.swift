import ArgumentParser
import Foundation
import Logging
import Observability
import ServiceModule
import SettingsModel
import WorkerApp

/// `blueprint check-config`: validates the settings (file + secrets directory + environment) and
/// builds every service module without connecting to anything; for CI and for checking a
/// ConfigMap before a rollout.
struct CheckConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the settings and print a summary (secrets are never printed).",
        discussion: """
            Exit code 0 when every setting is valid, 2 (one line per problem on stderr) otherwise.
            With --markdown, prints the reference of every setting (docs/configuration.md) instead.
            """)

    @Flag(help: "Print the settings reference as Markdown (docs/configuration.md) and exit.")
    var markdown = false

    func run() async throws {
        if self.markdown {
            print(SettingsDocument.markdown(ConfiguredSettings.groups(catalog: .standard)), terminator: "")
            return
        }
        let redactor = PIIRedactor()
        let configured = try await loadSettings(environment: await loadSecrets(catalog: .standard, redactor: redactor))
        var logger = Logger(label: "blueprint")
        logger.logLevel = .critical
        let jobTypes: [(type: JobTypeDeclaration, status: String)]
        do {
            jobTypes = try await WorkerApplication(configured: configured, redactor: redactor, logger: logger).check()
        } catch let invalid as InvalidSettings {
            failInvalidSettings(invalid)
        }
        let core = configured.core
        let server = configured.server
        let queues = core.engine.queues.map { "\($0.keys.stream)(\($0.concurrency))" }.joined(separator: ",")
        print("settings ok")
        print("  redis:      \(core.redis.targetDescription) db \(core.redis.database)\(core.redis.tls == nil ? "" : " tls")")
        print("  worker:     \(core.engine.workerID)")
        print("  queues:     \(queues)")
        print("  http:       \(server.host):\(server.port) (admin API \(server.adminToken == nil ? "disabled" : "enabled"))")
        print("  log level:  \(core.logLevel)")
        print("  sources:    \(Self.sources(configured.values.values))")
        if !core.periodic.isEmpty {
            print("  periodic jobs:")
            for job in core.periodic {
                print("    \(job.name) \"\(job.schedule.source)\" \(job.timeZoneName) -> \(job.queue) \(job.type) (missed: \(job.missedTicks.name))")
            }
        }
        print("  job types:")
        for (type, status) in jobTypes {
            let queue = type.queue == JobTypeDeclaration.anyQueue ? "any queue" : type.queue
            print("    \(type.name.padding(toLength: 30, withPad: " ", startingAt: 0)) \(queue.padding(toLength: 22, withPad: " ", startingAt: 0)) \(status)")
        }
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
