import Files
import Foundation
import Logging
import ServiceModule
import SettingsModel
import TestSupport
import Testing

/// `FilesModule.build`: what the worker says about the file jobs for each configuration.
@Suite(.enabled(if: TestServers.shouldRun(ProcessInfo.processInfo.environment["REDIS_PORT"] != nil), "needs redis"))
struct FilesModuleTests {
    /// Builds the module with `settings`; returns the build and the reported problems.
    static func build(_ settings: [String: String], logger: Logger = FilesTestEnv.logger) async throws -> (ModuleBuild, [String]) {
        let data = NSTemporaryDirectory() + "bp-files-module-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: data) }
        return try await withOutboundHTTP { http in
            try await withClient { redis in
                var context = ModuleContext(
                    values: SettingValues(settings), logger: logger, http: http, redis: redis, dataDirectory: data)
                let build = try FilesModule().build(&context)
                return (build, context.values.problems)
            }
        }
    }

    @Test("without CLAMD_ADDRESS both job types are unavailable: not configured, nothing stored unscanned")
    func notConfiguredWithoutClamd() async throws {
        let (build, problems) = try await Self.build([:])
        #expect(problems.isEmpty, "\(problems)")
        #expect(build.registry.names.isEmpty)
        for type in ["process_document", "optimize_image"] {
            #expect(build.unavailable[type]?.hasPrefix("not configured: set CLAMD_ADDRESS") == true, "\(build.unavailable)")
        }
    }

    @Test("with clamd and local storage both job types are registered")
    func configured() async throws {
        let (build, problems) = try await Self.build(["CLAMD_ADDRESS": "tcp://127.0.0.1:3310", "FILES_MAX_BYTES": "1048576"])
        #expect(problems.isEmpty, "\(problems)")
        #expect(build.registry.names == ["optimize_image", "process_document"])
        #expect(build.unavailable.isEmpty)
    }

    @Test(
        "a bad STORAGE_URL or CLAMD_ADDRESS is a problem that never echoes the secret",
        arguments: [
            ["STORAGE_URL": "s3://AKIDEXAMPLE:SuperSECRETvalue42@bucket?endpoint=ftp://bad host/", "CLAMD_ADDRESS": "tcp://127.0.0.1:3310"],
            ["STORAGE_URL": "s3://AKIDEXAMPLE:SuperSECRETvalue42@bucket?endpoint=not a url", "CLAMD_ADDRESS": "tcp://127.0.0.1:3310"],
            ["STORAGE_URL": "s3://AKIDEXAMPLE:SuperSECRETvalue42@", "CLAMD_ADDRESS": "tcp://127.0.0.1:3310"],
            ["STORAGE_URL": "gopher://SuperSECRETvalue42@x", "CLAMD_ADDRESS": "tcp://127.0.0.1:3310"],
            ["STORAGE_URL": "s3://bucket?endpoint=https://s3.example.com", "STORAGE_SECRET_ACCESS_KEY": "SuperSECRETvalue42",
             "CLAMD_ADDRESS": "tcp://127.0.0.1:3310"],
            ["CLAMD_ADDRESS": "udp://clamd.internal:3310"],
            ["CLAMD_ADDRESS": "tcp://127.0.0.1:99999"],
        ])
    func badSettingsReported(settings: [String: String]) async throws {
        let (build, problems) = try await Self.build(settings)
        #expect(!problems.isEmpty, "\(settings.keys.sorted()) must be reported")
        #expect(build.registry.names.isEmpty, "nothing runs on a bad configuration")
        for problem in problems {
            #expect(!problem.contains("SuperSECRETvalue42"), "the secret is echoed: \(problem)")
            #expect(problem.hasPrefix("STORAGE_URL") || problem.hasPrefix("CLAMD_ADDRESS"), "\(problem)")
        }
    }

    @Test("a good S3 configuration with a secret: registered, and the secret is in no log line")
    func secretNeverLogged() async throws {
        let lines = LockedBox<[String]>([])
        var logger = Logger(label: "files-module-test", factory: { _ in CapturingLogHandler(lines: lines) })
        logger.logLevel = .trace
        let (build, problems) = try await Self.build(
            [
                "STORAGE_URL": "s3://AKIDEXAMPLE:SuperSECRETvalue42@bucket?endpoint=https://s3.example.com&region=auto",
                "CLAMD_ADDRESS": "tcp://127.0.0.1:3310", "FILES_ALLOW_PRIVATE_ADDRESSES": "1",
            ], logger: logger)
        #expect(problems.isEmpty, "\(problems)")
        #expect(build.registry.names == ["optimize_image", "process_document"])
        #expect(!lines.current.isEmpty, "the module logs its configuration")
        #expect(lines.current.contains { $0.contains("FILES_ALLOW_PRIVATE_ADDRESSES") }, "the test-only setting is warned about")
        for line in lines.current { #expect(!line.contains("SuperSECRETvalue42"), "\(line)") }
    }
}
