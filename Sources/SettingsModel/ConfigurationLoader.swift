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
/// The file is parsed once, by swift-configuration's `JSONSnapshot` (see ``SettingsFileSnapshot``
/// for how its keys are checked without a second parser). A `null` value counts as unset.
///
/// The result is one `[String: String]` of every setting, which the settings parsers validate.
/// Problem lines name the setting or the path, never a value from the file.
public enum ConfigurationLoader {
    /// Where settings come from: the settings file and the secrets directory.
    public static let groups: [SettingGroup] = [
        SettingGroup(
            "Sources",
            summary:
                "Where settings come from; the environment wins over the secrets directory, which wins over the file.",
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

    /// The largest settings file read, in bytes; a larger one is refused before it is parsed.
    public static let maximumFileBytes = 1 << 20

    /// The environment overlaid on the settings file's values; the environment alone when
    /// `BLUEPRINT_CONFIG` is unset or empty.
    ///
    /// - Parameter declaredNames: every setting name something reads; when given, a file key that
    ///   is not one of them is reported (with the closest declared name as a suggestion).
    /// - Throws: ``Invalid`` when the file is missing, too large, not a JSON object, or holds a key
    ///   that is not a (declared) setting name or a value that is not a string, number or boolean.
    public static func load(
        environment: [String: String] = ProcessInfo.processInfo.environment, declaredNames: Set<String>? = nil
    ) async throws -> [String: String] {
        let loaded = await self.loadCollectingProblems(environment: environment, declaredNames: declaredNames)
        if !loaded.problems.isEmpty { throw Invalid(problems: loaded.problems) }
        return loaded.values
    }

    /// Like ``load(environment:declaredNames:)``, but returns the problems beside the usable values
    /// (the environment plus the file's good entries), so that the caller can report them together
    /// with the problems of the values themselves. A file refused as a whole adds no values.
    public static func loadCollectingProblems(
        environment: [String: String] = ProcessInfo.processInfo.environment, declaredNames: Set<String>? = nil
    ) async -> (values: [String: String], problems: [String]) {
        var problems: [String] = []
        var file: SettingsFile?
        if let path = Self.nonEmpty(environment["BLUEPRINT_CONFIG"]) {
            switch await SettingsFile.open(path: path) {
            case .success(let opened): file = opened
            case .failure(let refused): problems.append(refused.line)
            }
        }
        let fileKeys = file.map { self.usableKeys(of: $0, declaredNames: declaredNames, problems: &problems) } ?? []
        // The file may name the secrets directory; the environment wins.
        var secretsDirectory = Self.nonEmpty(environment["BLUEPRINT_SECRETS_DIR"])
        if secretsDirectory == nil, let file, fileKeys.contains("BLUEPRINT_SECRETS_DIR") {
            secretsDirectory = Self.nonEmpty(
                ConfigReader(provider: file.provider).string(forKey: "BLUEPRINT_SECRETS_DIR"))
        }
        var secretNames: [String] = []
        if let secretsDirectory {
            secretNames = self.secretNames(directory: secretsDirectory, problems: &problems)
        }

        // Secrets directory first, then the file.
        var providers: [any ConfigProvider] = []
        if let secretsDirectory, !secretNames.isEmpty {
            do {
                providers.append(try await DirectoryFilesProvider(directoryPath: .init(secretsDirectory)))
            } catch {
                problems.append("BLUEPRINT_SECRETS_DIR: cannot read the directory \(secretsDirectory)")
            }
        }
        if let file { providers.append(file.provider) }
        var merged = environment
        // A reader needs a provider; every value is marked secret so that swift-configuration's
        // access log (`CONFIG_ACCESS_LOG_FILE`) never shows one.
        guard !providers.isEmpty else { return (merged, problems) }
        let reader = ConfigReader(providers: providers)
        // An empty variable counts as unset, as everywhere in our settings.
        for key in Set(fileKeys).union(secretNames) where Self.nonEmpty(environment[key]) == nil {
            // Numbers become their decimal text and booleans 1/0 (JSONSnapshot reads them as ints).
            let name = ConfigKey([key])
            if let text = reader.string(forKey: name, isSecret: true) {
                merged[key] = text
            } else if let number = reader.int(forKey: name, isSecret: true) {
                merged[key] = String(number)
            } else if let number = reader.double(forKey: name, isSecret: true) {
                merged[key] = String(number)
            }
        }
        return (merged, problems)
    }

    /// The keys of the file that name settings and hold usable values; a problem line for each other.
    private static func usableKeys(of file: SettingsFile, declaredNames: Set<String>?, problems: inout [String])
        -> [String]
    {
        let path = file.path
        var usable: [String] = []
        var reported = Set<String>()
        for (key, kind) in file.entries.sorted(by: { $0.key < $1.key }) {
            // A nested object's values arrive as `NAME.inner` keys: report `NAME` once.
            let name = String(key.prefix { $0 != "." })
            guard reported.insert(name).inserted else { continue }
            if !SettingName.isValid(name) {
                let suggestion = self.suggestion(forMalformed: name, declaredNames: declaredNames)
                problems.append(
                    "\(path): '\(SettingName.shown(name))' is not a setting name; "
                        + (suggestion.map { "did you mean \($0)?" }
                            ?? "use the environment variable names, e.g. REDIS_URL"))
            } else if name == "BLUEPRINT_CONFIG" {
                problems.append("\(path): BLUEPRINT_CONFIG cannot be set inside the settings file")
            } else if let declaredNames, !declaredNames.contains(name) {
                let suggestion = SettingName.closest(to: name, among: declaredNames)
                problems.append(
                    "\(path): '\(SettingName.shown(name))' is not a known setting"
                        + (suggestion.map { "; did you mean \($0)?" } ?? ""))
            } else if key != name || kind == .array {
                problems.append("\(name) in \(path) must be a string, number or boolean")
            } else {
                usable.append(name)
            }
        }
        return usable
    }

    /// `redis_url` or `redis-url` was probably meant as `REDIS_URL` (when that is declared, if known).
    private static func suggestion(forMalformed name: String, declaredNames: Set<String>?) -> String? {
        let normalized = String(name.uppercased().map { $0 == "-" || $0 == " " ? "_" : $0 })
        guard SettingName.isValid(normalized), normalized.utf8.count <= 64 else { return nil }
        guard let declaredNames else { return normalized }
        return declaredNames.contains(normalized)
            ? normalized : SettingName.closest(to: normalized, among: declaredNames)
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
            if SettingName.isValid(entry) {
                names.append(entry)
            } else {
                problems.append(
                    "BLUEPRINT_SECRETS_DIR: the file '\(SettingName.shown(entry))' is not named like a setting, e.g. REDIS_URL"
                )
            }
        }
        return names
    }

    private static func nonEmpty(_ value: String?) -> String? {
        value.flatMap { $0.isEmpty ? nil : $0 }
    }
}
