import Foundation
import Testing

@testable import SettingsModel

@Suite("Settings file + environment")
struct ConfigurationLoaderTests {
    func write(_ text: String) throws -> String {
        try self.write(Data(text.utf8))
    }

    func write(_ data: Data) throws -> String {
        let path = try Scratch.directory().appendingPathComponent("blueprint.json").path
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    func problems(_ environment: [String: String], declaredNames: Set<String>? = nil) async -> [String] {
        do {
            _ = try await ConfigurationLoader.load(environment: environment, declaredNames: declaredNames)
            return []
        } catch let invalid as ConfigurationLoader.Invalid {
            return invalid.problems
        } catch {
            return ["unexpected \(error)"]
        }
    }

    // MARK: Merging and precedence

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

    @Test func numbersBecomeDecimalTextAndBooleansOneOrZero() async throws {
        let path = try write(#"{"A_INT": -12, "A_WHOLE": 2.0, "A_FRACTION": 1.5, "A_TRUE": true, "A_FALSE": false}"#)
        let merged = try await ConfigurationLoader.load(environment: ["BLUEPRINT_CONFIG": path])
        #expect(merged["A_INT"] == "-12")
        #expect(merged["A_WHOLE"] == "2")
        #expect(merged["A_FRACTION"] == "1.5")
        #expect(merged["A_TRUE"] == "1")
        #expect(merged["A_FALSE"] == "0")
    }

    @Test func secretsDirectorySitsBetweenTheEnvironmentAndTheFile() async throws {
        let directory = try Scratch.directory()
        try Data("redis://:pw@from-secret:6379/0\n".utf8).write(to: directory.appendingPathComponent("REDIS_URL"))
        try Data("token-from-secret-0123".utf8).write(to: directory.appendingPathComponent("BLUEPRINT_ADMIN_TOKEN"))
        try Data("smtp://from-secret".utf8).write(to: directory.appendingPathComponent("SMTP_URL"))
        try Data("x".utf8).write(to: directory.appendingPathComponent(".hidden"))
        let path = try write(
            """
            {"REDIS_URL": "redis://from-file:6379/0", "BLUEPRINT_ADMIN_TOKEN": "file-token-0123456789",
             "SMTP_URL": "smtp://from-file", "BLUEPRINT_QUEUES": "from_file"}
            """)
        let merged = try await ConfigurationLoader.load(environment: [
            "BLUEPRINT_CONFIG": path, "BLUEPRINT_SECRETS_DIR": directory.path,
            "BLUEPRINT_ADMIN_TOKEN": "env-token-0123456789", "SMTP_URL": "",
        ])
        #expect(merged["REDIS_URL"] == "redis://:pw@from-secret:6379/0")
        #expect(merged["BLUEPRINT_ADMIN_TOKEN"] == "env-token-0123456789")
        // An empty variable counts as unset: the secrets directory fills it.
        #expect(merged["SMTP_URL"] == "smtp://from-secret")
        #expect(merged["BLUEPRINT_QUEUES"] == "from_file")
    }

    @Test func theSecretsDirectoryMayBeNamedInTheFile() async throws {
        let directory = try Scratch.directory()
        try Data("redis://from-secret:6379/0".utf8).write(to: directory.appendingPathComponent("REDIS_URL"))
        let path = try write(
            #"{"BLUEPRINT_SECRETS_DIR": "\#(directory.path)", "REDIS_URL": "redis://from-file:6379/0"}"#)
        let merged = try await ConfigurationLoader.load(environment: ["BLUEPRINT_CONFIG": path])
        #expect(merged["REDIS_URL"] == "redis://from-secret:6379/0")
    }

    @Test func aSymlinkedFileIsRead() async throws {
        let path = try write(#"{"BLUEPRINT_QUEUES": "linked"}"#)
        let link = try Scratch.directory().appendingPathComponent("settings.json").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        let merged = try await ConfigurationLoader.load(environment: ["BLUEPRINT_CONFIG": link])
        #expect(merged["BLUEPRINT_QUEUES"] == "linked")
    }

    @Test func aNullValueCountsAsUnset() async throws {
        // JSONSnapshot drops nulls before anything can see them; unset is what they mean anyway.
        let path = try write(#"{"REDIS_URL": null, "BLUEPRINT_QUEUES": "q"}"#)
        let merged = try await ConfigurationLoader.load(environment: ["BLUEPRINT_CONFIG": path])
        #expect(merged["REDIS_URL"] == nil)
        #expect(merged["BLUEPRINT_QUEUES"] == "q")
    }

    @Test func goodEntriesStillCountBesideBadOnes() async throws {
        let path = try write(#"{"BLUEPRINT_QUEUES": "q", "bad key": "v", "SMTP_URL": ["x"]}"#)
        let loaded = await ConfigurationLoader.loadCollectingProblems(environment: ["BLUEPRINT_CONFIG": path])
        #expect(loaded.values["BLUEPRINT_QUEUES"] == "q")
        #expect(loaded.values["SMTP_URL"] == nil)
        #expect(loaded.problems.count == 2)
    }

    // MARK: Files refused as a whole

    @Test func aMissingFileIsNamed() async throws {
        let found = await problems(["BLUEPRINT_CONFIG": "/nonexistent/blueprint.json"])
        #expect(found == ["BLUEPRINT_CONFIG: the file /nonexistent/blueprint.json does not exist"])
    }

    @Test func aDirectoryIsNotASettingsFile() async throws {
        let directory = try Scratch.directory().path
        let found = await problems(["BLUEPRINT_CONFIG": directory])
        #expect(found == ["BLUEPRINT_CONFIG: \(directory) is not a regular file"])
    }

    @Test func invalidJSONGivesOneLine() async throws {
        let path = try write("{\"REDIS_URL\": ")
        let found = await problems(["BLUEPRINT_CONFIG": path])
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("BLUEPRINT_CONFIG: \(path) is not valid JSON") == true)
    }

    @Test(arguments: [
        Data([0x00, 0xFF, 0xFE, 0x01, 0x7B, 0x22]),  // garbage bytes
        Data(),  // empty
        Data("{\"BLUEPRINT_ADMIN_TOKEN\": \"s3cret-value".utf8),  // truncated inside a value
        Data("{\"BLUEPRINT_ADMIN_TOKEN\": s3cret-value}".utf8),  // unquoted value
        Data("{\"BLUEPRINT_HTTP_PORT\": 1e999}".utf8),  // a number JSONSerialization cannot hold
        Data("{\"A\" 1}".utf8),  // no colon
    ])
    func malformedJSONGivesOneLineQuotingNothing(_ data: Data) async throws {
        let path = try write(data)
        let found = await problems(["BLUEPRINT_CONFIG": path])
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("BLUEPRINT_CONFIG: \(path) is not valid JSON") == true)
        let text = found.joined()
        #expect(!text.contains("s3cret") && !text.contains("1e999") && !text.contains("\u{FFFD}"))
    }

    @Test(arguments: ["[1, 2]", "\"REDIS_URL\"", "8080", "true", "null"])
    func aTopLevelOtherThanAnObjectIsRefused(_ text: String) async throws {
        let path = try write(text)
        let found = await problems(["BLUEPRINT_CONFIG": path])
        #expect(found.count == 1)
        #expect(found.first?.contains("must hold one JSON object") == true)
    }

    @Test func aTenMegabyteFileIsRefusedUnread() async throws {
        // Valid JSON of 10 MB: many keys would make the parse itself slow.
        var text = "{"
        var index = 0
        while text.utf8.count < 10 << 20 {
            text += "\"KEY_\(index)\": \"s3cret-value-\(index)\","
            index += 1
        }
        text += "\"LAST\": 1}"
        let path = try write(text)
        let found = await problems(["BLUEPRINT_CONFIG": path])
        #expect(
            found == ["BLUEPRINT_CONFIG: \(path) is larger than 1024 KiB; a settings file holds a few dozen settings"])
    }

    @Test func theSnapshotItselfRefusesDataOverTheLimit() throws {
        let bytes = Array(#"{"A": "0123456789"}"#.utf8)
        #expect(throws: SettingsFileError.tooLarge(limit: 8)) {
            _ = try SettingsFileSnapshot(
                data: bytes.span.bytes, providerName: "test", parsingOptions: .init(maximumBytes: 8))
        }
    }

    @Test(arguments: [
        #"{"BLUEPRINT_QUEUES": [{"a": 1}]}"#, #"{"BLUEPRINT_QUEUES": [null]}"#, #"{"BLUEPRINT_QUEUES": ["a", 1]}"#,
        #"{"BLUEPRINT_QUEUES": [["a"]]}"#,
    ])
    func anArrayJSONSnapshotCannotHoldRefusesTheFile(_ text: String) async throws {
        let path = try write(text)
        let found = await problems(["BLUEPRINT_CONFIG": path])
        #expect(found.count == 1)
        #expect(found.first?.contains("holds an array of objects, arrays, nulls or mixed types") == true)
    }

    // MARK: Bad entries, one line each

    @Test func eachBadEntryGetsItsOwnLineWithoutItsValue() async throws {
        let path = try write(
            """
            {"redis_url": "x", "BLUEPRINT_ADMIN_TOKEN": {"nested": "s3cret-value"}, "BLUEPRINT_QUEUES": ["a"]}
            """)
        let found = await problems(["BLUEPRINT_CONFIG": path])
        #expect(found.count == 3)
        #expect(found.contains { $0.contains("BLUEPRINT_ADMIN_TOKEN in \(path) must be a string, number or boolean") })
        #expect(found.contains { $0.contains("BLUEPRINT_QUEUES in \(path) must be a string, number or boolean") })
        #expect(found.contains { $0.contains("'redis_url' is not a setting name; did you mean REDIS_URL?") })
        #expect(!found.joined().contains("s3cret"))
    }

    @Test func aNestedObjectIsReportedOnceByItsOuterKey() async throws {
        let path = try write(#"{"SMTP": {"URL": "s3cret", "USER": "u", "DEEP": {"X": 1}}, "lower": {"Y": 1}}"#)
        let found = await problems(["BLUEPRINT_CONFIG": path])
        #expect(
            found == [
                "SMTP in \(path) must be a string, number or boolean",
                "\(path): 'lower' is not a setting name; did you mean LOWER?",
            ])
    }

    @Test(arguments: [
        #"{"BLUEPRINT_QUEUES": []}"#, #"{"BLUEPRINT_QUEUES": ["a", "b"]}"#, #"{"BLUEPRINT_QUEUES": [1, true]}"#,
    ])
    func anArrayValueIsReported(_ text: String) async throws {
        let path = try write(text)
        #expect(
            await problems(["BLUEPRINT_CONFIG": path]) == [
                "BLUEPRINT_QUEUES in \(path) must be a string, number or boolean"
            ])
    }

    @Test func keysThatAreNotSettingNamesAreReported() async throws {
        let path = try write(#"{"Redis_Url": 1, "smtp-url": 2, "with space": 3, "": 4, "\u0007BELL": 5, "Ünïcode": 6}"#)
        let found = await problems(["BLUEPRINT_CONFIG": path])
        #expect(found.count == 6)
        #expect(found.contains("\(path): 'Redis_Url' is not a setting name; did you mean REDIS_URL?"))
        #expect(found.contains("\(path): 'smtp-url' is not a setting name; did you mean SMTP_URL?"))
        #expect(found.contains("\(path): 'with space' is not a setting name; did you mean WITH_SPACE?"))
        #expect(found.contains("\(path): '' is not a setting name; use the environment variable names, e.g. REDIS_URL"))
        // A control character in a key cannot break the one-line rule.
        #expect(
            found.contains("\(path): '?BELL' is not a setting name; use the environment variable names, e.g. REDIS_URL")
        )
        #expect(found.allSatisfy { !$0.contains("\n") && !$0.contains("\u{7}") })
    }

    @Test func aVeryLongKeyIsShortened() async throws {
        let key = String(repeating: "k", count: 5000)
        let path = try write(#"{"\#(key)": 1}"#)
        let found = await problems(["BLUEPRINT_CONFIG": path])
        #expect(found.count == 1)
        #expect(found[0].count < 300)
    }

    @Test func theFileCannotNameAnotherFile() async throws {
        let path = try write(#"{"BLUEPRINT_CONFIG": "/etc/other.json", "BLUEPRINT_QUEUES": "q"}"#)
        let found = await problems(["BLUEPRINT_CONFIG": path])
        #expect(found == ["\(path): BLUEPRINT_CONFIG cannot be set inside the settings file"])
    }

    @Test func undeclaredNamesAreReportedWithTheClosestDeclaredOne() async throws {
        let declared: Set = ["SMTP_URL", "REDIS_URL", "BLUEPRINT_QUEUES", "BLUEPRINT_CONFIG"]
        let path = try write(
            #"{"SMTP_URLL": "smtp://s3cret@x", "REDIS_UR": "r", "TOTALLY_UNRELATED": 1, "BLUEPRINT_QUEUES": "q", "redis_url": "r"}"#
        )
        let found = await problems(["BLUEPRINT_CONFIG": path], declaredNames: declared)
        #expect(
            found == [
                "\(path): 'REDIS_UR' is not a known setting; did you mean REDIS_URL?",
                "\(path): 'SMTP_URLL' is not a known setting; did you mean SMTP_URL?",
                "\(path): 'TOTALLY_UNRELATED' is not a known setting",
                "\(path): 'redis_url' is not a setting name; did you mean REDIS_URL?",
            ])
        // Without declarations a well-formed name passes: some other layer may read it.
        #expect(
            await problems(["BLUEPRINT_CONFIG": path]) == [
                "\(path): 'redis_url' is not a setting name; did you mean REDIS_URL?"
            ])
    }

    @Test func aMalformedNameIsOnlyCorrectedToADeclaredOne() async throws {
        let path = try write(#"{"smtp_urll": "v", "nothing-like-it": "v"}"#)
        let found = await problems(["BLUEPRINT_CONFIG": path], declaredNames: ["SMTP_URL"])
        #expect(
            found == [
                "\(path): 'nothing-like-it' is not a setting name; use the environment variable names, e.g. REDIS_URL",
                "\(path): 'smtp_urll' is not a setting name; did you mean SMTP_URL?",
            ])
    }

    /// Every kind of bad file, each value a marker: no problem line may show any of them.
    @Test(arguments: [
        #"{"lower_key": "MARKER-1", "BLUEPRINT_ADMIN_TOKEN": {"n": "MARKER-2"}, "SMTP_URL": ["MARKER-3"]}"#,
        #"{"SMTP_URLL": "MARKER-4", "BLUEPRINT_CONFIG": "MARKER-5", "TOKEN": ["MARKER-6", 7]}"#,
        #"{"REDIS_URL": [{"MARKER-7": "MARKER-8"}]}"#,
        #"{"REDIS_URL": "MARKER-9"#,
        #"{"REDIS_URL": MARKER-10}"#,
        #"["MARKER-11"]"#,
        #""MARKER-12""#,
    ])
    func noProblemLineShowsAValueFromTheFile(_ text: String) async throws {
        let path = try write(text)
        let found = await problems(["BLUEPRINT_CONFIG": path], declaredNames: ["SMTP_URL", "REDIS_URL"])
        #expect(!found.isEmpty)
        #expect(found.allSatisfy { !$0.contains("MARKER") }, "\(found)")
    }

    // MARK: Secrets directory

    @Test func badSecretFileNamesAreReported() async throws {
        let directory = try Scratch.directory()
        try Data("v".utf8).write(to: directory.appendingPathComponent("redis-url"))
        let found = await problems(["BLUEPRINT_SECRETS_DIR": directory.path])
        #expect(found == ["BLUEPRINT_SECRETS_DIR: the file 'redis-url' is not named like a setting, e.g. REDIS_URL"])
    }

    @Test func aMissingSecretsDirectoryIsNamed() async throws {
        let found = await problems(["BLUEPRINT_SECRETS_DIR": "/nonexistent/secrets"])
        #expect(found == ["BLUEPRINT_SECRETS_DIR: cannot list the directory /nonexistent/secrets"])
    }
}

/// Scratch directories for tests; each call gives a new one.
enum Scratch {
    static func directory() throws -> URL {
        // Under `make test`, inside the run's work directory (removed at the end of the run).
        let base = ProcessInfo.processInfo.environment["BLUEPRINT_TEST_WORK"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory
        let url = base.appendingPathComponent("bp-settings-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
