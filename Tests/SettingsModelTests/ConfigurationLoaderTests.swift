import Foundation
import Testing

@testable import SettingsModel
@testable import WorkerServer

@Suite("Settings file + environment")
struct ConfigurationLoaderTests {
    func write(_ text: String) throws -> String {
        let path = try TestEnv.directory().appendingPathComponent("blueprint.json").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func problems(_ environment: [String: String]) async -> [String] {
        do {
            _ = try await ConfigurationLoader.load(environment: environment)
            return []
        } catch let invalid as ConfigurationLoader.Invalid {
            return invalid.problems
        } catch {
            return ["unexpected \(error)"]
        }
    }

    @Test func withoutAFileTheEnvironmentIsReturned() async throws {
        let env = ["REDIS_URL": "redis://h:1/0", "BLUEPRINT_CONFIG": ""]
        #expect(try await ConfigurationLoader.load(environment: env) == env)
    }

    @Test func fileValuesAreMergedAndTheEnvironmentWins() async throws {
        let path = try write(
            """
            {"REDIS_URL": "redis://from-file:6379/0", "BLUEPRINT_HTTP_PORT": 9090, "BLUEPRINT_DIAGNOSTICS": true,
             "BLUEPRINT_QUEUES": "email_queue"}
            """)
        let merged = try await ConfigurationLoader.load(environment: [
            "BLUEPRINT_CONFIG": path, "REDIS_URL": "redis://from-env:6379/0", "BLUEPRINT_QUEUES": "",
        ])
        #expect(merged["REDIS_URL"] == "redis://from-env:6379/0")
        #expect(merged["BLUEPRINT_HTTP_PORT"] == "9090")
        #expect(merged["BLUEPRINT_DIAGNOSTICS"] == "1")
        #expect(merged["BLUEPRINT_QUEUES"] == "email_queue")
    }

    @Test func aMissingFileIsNamed() async throws {
        let found = await problems(["BLUEPRINT_CONFIG": "/nonexistent/blueprint.json"])
        #expect(found == ["BLUEPRINT_CONFIG: the file /nonexistent/blueprint.json does not exist"])
    }

    @Test func invalidJSONGivesOneLine() async throws {
        let path = try write("{\"REDIS_URL\": ")
        let found = await problems(["BLUEPRINT_CONFIG": path])
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("BLUEPRINT_CONFIG: \(path) is not valid JSON") == true)
    }

    @Test func eachBadEntryGetsItsOwnLineWithoutItsValue() async throws {
        let path = try write(
            """
            {"redis_url": "x", "BLUEPRINT_ADMIN_TOKEN": {"nested": "s3cret-value"}, "BLUEPRINT_QUEUES": ["a"]}
            """)
        let found = await problems(["BLUEPRINT_CONFIG": path])
        #expect(found.count == 3)
        #expect(found.contains { $0.contains("BLUEPRINT_ADMIN_TOKEN in \(path) must be a string, number or boolean") })
        #expect(found.contains { $0.contains("'redis_url' is not a setting name") })
        #expect(!found.joined().contains("s3cret"))
    }

    @Test func aTopLevelArrayIsRefused() async throws {
        let path = try write("[1, 2]")
        let found = await problems(["BLUEPRINT_CONFIG": path])
        #expect(found.count == 1 && found[0].contains("must hold one JSON object"))
    }

    @Test func secretsDirectorySitsBetweenTheEnvironmentAndTheFile() async throws {
        let directory = try TestEnv.directory()
        try Data("redis://:pw@from-secret:6379/0\n".utf8).write(to: directory.appendingPathComponent("REDIS_URL"))
        try Data("token-from-secret-0123".utf8).write(to: directory.appendingPathComponent("BLUEPRINT_ADMIN_TOKEN"))
        try Data("x".utf8).write(to: directory.appendingPathComponent(".hidden"))
        let path = try write(
            #"{"REDIS_URL": "redis://from-file:6379/0", "BLUEPRINT_ADMIN_TOKEN": "file-token-0123456789"}"#)
        let merged = try await ConfigurationLoader.load(environment: [
            "BLUEPRINT_CONFIG": path, "BLUEPRINT_SECRETS_DIR": directory.path,
            "BLUEPRINT_ADMIN_TOKEN": "env-token-0123456789",
        ])
        #expect(merged["REDIS_URL"] == "redis://:pw@from-secret:6379/0")
        #expect(merged["BLUEPRINT_ADMIN_TOKEN"] == "env-token-0123456789")
    }

    @Test func badSecretFileNamesAreReported() async throws {
        let directory = try TestEnv.directory()
        try Data("v".utf8).write(to: directory.appendingPathComponent("redis-url"))
        let found = await problems(["BLUEPRINT_SECRETS_DIR": directory.path])
        #expect(found == ["BLUEPRINT_SECRETS_DIR: the file 'redis-url' is not named like a setting, e.g. REDIS_URL"])
    }
}
