import Configuration
import Foundation

/// Merges the environment, a secrets directory (`BLUEPRINT_SECRETS_DIR`) and the settings file
/// (`BLUEPRINT_CONFIG`), in that order of precedence, using swift-configuration's providers.
///
/// The secrets directory holds one file per secret setting, named like the setting (a Kubernetes
/// secret mounted as a volume with keys `REDIS_URL`, `BLUEPRINT_ADMIN_TOKEN`, ...); values are
/// trimmed of surrounding whitespace.
///
/// The file is a JSON object whose keys are the environment variable names of DESIGN.md section 6
/// and whose values are strings, numbers or booleans:
///
/// ```json
/// { "REDIS_URL": "redis://redis:6379/0", "BLUEPRINT_QUEUES": "email_queue,sms_queue", "BLUEPRINT_HTTP_PORT": 8080 }
/// ```
///
/// The result is one `[String: String]` of every setting, which the settings parsers validate.
public enum ConfigurationLoader {
    /// Where settings come from: the settings file and the secrets directory.
    public static let groups: [SettingGroup] = [
        SettingGroup(
            "Sources", summary: "Where settings come from; the environment wins over the secrets directory, which wins over the file.",
            settings: [
                Setting("BLUEPRINT_CONFIG", .path, help: "A JSON settings file whose keys are these setting names."),
                Setting(
                    "BLUEPRINT_SECRETS_DIR", .path,
                    help: "A directory with one file per setting, named like it (a mounted Kubernetes secret)."),
            ])
    ]

    /// Problems with the settings file, one line each (never a value from it).
    public struct Invalid: Error, CustomStringConvertible {
        /// One line per problem.
        public var problems: [String]
        public var description: String { self.problems.map { "invalid setting: \($0)" }.joined(separator: "\n") }
    }

    /// Names that hold secrets: marked secret for swift-configuration's access reporting.
    static func isSecret(_ name: String) -> Bool {
        let upper = name.uppercased()
        return ["TOKEN", "PASSWORD", "SECRET", "KEYS", "_KEY"].contains { upper.contains($0) }
            || upper == "REDIS_URL" || upper == "SMTP_URL"
    }

    /// The environment overlaid on the settings file's values; the environment alone when
    /// `BLUEPRINT_CONFIG` is unset or empty.
    ///
    /// - Throws: ``Invalid`` when the file is missing, is not a JSON object, or holds a key that is
    ///   not a setting name or a value that is not a string, number or boolean.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) async throws
        -> [String: String]
    {
        let loaded = await self.loadCollectingProblems(environment: environment)
        if !loaded.problems.isEmpty { throw Invalid(problems: loaded.problems) }
        return loaded.values
    }

    /// Like ``load(environment:)``, but returns the problems beside the usable values (the
    /// environment plus the file's good entries), so that the caller can report them together
    /// with the problems of the values themselves.
    public static func loadCollectingProblems(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async -> (values: [String: String], problems: [String]) {
        do {
            return try await self.read(environment: environment)
        } catch let invalid as Invalid {
            return (environment, invalid.problems)
        } catch {
            return (environment, ["BLUEPRINT_CONFIG: \(error)"])
        }
    }

    private static func read(environment: [String: String]) async throws -> (
        values: [String: String], problems: [String]
    ) {
        var problems: [String] = []
        var fileFields: [String: Any] = [:]
        let filePath = environment["BLUEPRINT_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        if let filePath {
            fileFields = try self.fileFields(path: filePath, problems: &problems)
        }
        let secretsDirectory =
            environment["BLUEPRINT_SECRETS_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (fileFields["BLUEPRINT_SECRETS_DIR"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        var secretNames: [String] = []
        if let secretsDirectory {
            secretNames = self.secretNames(directory: secretsDirectory, problems: &problems)
        }
        if filePath == nil && secretsDirectory == nil { return (environment, problems) }

        // An empty variable counts as unset, as everywhere in our settings.
        let setVariables = environment.filter { !$0.value.isEmpty }
        var providers: [any ConfigProvider] = [
            EnvironmentVariablesProvider(
                environmentVariables: setVariables, secretsSpecifier: .dynamic { key, _ in isSecret(key) })
        ]
        do {
            if let secretsDirectory, !secretNames.isEmpty {
                providers.append(try await DirectoryFilesProvider(directoryPath: .init(secretsDirectory)))
            }
            if let filePath, !fileFields.isEmpty {
                providers.append(
                    try await FileProvider<JSONSnapshot>(
                        parsingOptions: .init(secretsSpecifier: .dynamic { key, _ in isSecret(key) }),
                        filePath: .init(filePath)))
            }
        } catch {
            // swift-configuration refuses some files that hold bad entries (already reported);
            // the good entries of the settings file still count.
            var merged = environment
            for (key, value) in fileFields where (environment[key] ?? "").isEmpty { merged[key] = "\(value)" }
            return (
                merged, problems.isEmpty ? ["BLUEPRINT_CONFIG / BLUEPRINT_SECRETS_DIR could not be read"] : problems
            )
        }
        let reader = ConfigReader(providers: providers)
        var merged = environment
        for key in Set(fileFields.keys).union(secretNames) where (environment[key] ?? "").isEmpty {
            // Secrets directory first, then the file; numbers become their decimal text and booleans
            // 1/0 (JSONSnapshot reads them as ints).
            let name = ConfigKey([key])
            if let text = reader.string(forKey: name, isSecret: isSecret(key) || secretNames.contains(key)) {
                merged[key] = text
            } else if let number = reader.int(forKey: name) {
                merged[key] = String(number)
            } else if let number = reader.double(forKey: name) {
                merged[key] = String(number)
            }
        }
        return (merged, problems)
    }

    /// The settings file's entries that are usable; a problem line for each that is not.
    private static func fileFields(path: String, problems: inout [String]) throws -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw Invalid(problems: [
                "BLUEPRINT_CONFIG: " + (exists ? "cannot read the file \(path)" : "the file \(path) does not exist")
            ])
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "syntax error"
            throw Invalid(problems: ["BLUEPRINT_CONFIG: \(path) is not valid JSON (\(detail))"])
        }
        guard let fields = object as? [String: Any] else {
            throw Invalid(problems: [
                "BLUEPRINT_CONFIG: \(path) must hold one JSON object of settings, e.g. {\"REDIS_URL\": \"redis://127.0.0.1:6379/0\"}"
            ])
        }
        var usable: [String: Any] = [:]
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
            if !Self.isSettingName(key) {
                problems.append(
                    "\(path): '\(String(key.prefix(64)))' is not a setting name; use the environment variable names, e.g. REDIS_URL"
                )
            } else if key == "BLUEPRINT_CONFIG" {
                problems.append("\(path): BLUEPRINT_CONFIG cannot be set inside the settings file")
            } else if !(value is String || value is NSNumber || value is Bool || value is Int || value is Double) {
                problems.append("\(key) in \(path) must be a string, number or boolean")
            } else {
                usable[key] = value
            }
        }
        return usable
    }

    /// The setting names of the files in a secrets directory (Kubernetes' `..data` entries skipped).
    private static func secretNames(directory: String, problems: inout [String]) -> [String] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            problems.append("BLUEPRINT_SECRETS_DIR: cannot list the directory \(directory)")
            return []
        }
        var names: [String] = []
        for entry in entries.sorted() where !entry.hasPrefix(".") {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory + "/" + entry, isDirectory: &isDirectory),
                !isDirectory.boolValue
            else { continue }
            if Self.isSettingName(entry) {
                names.append(entry)
            } else {
                problems.append(
                    "BLUEPRINT_SECRETS_DIR: the file '\(String(entry.prefix(64)))' is not named like a setting, e.g. REDIS_URL"
                )
            }
        }
        return names
    }

    static func isSettingName(_ key: String) -> Bool {
        !key.isEmpty
            && key.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
