import Foundation

/// The merged values of every setting (settings file, secrets directory, environment, resolved
/// secrets), read through their declarations.
///
/// Each typed read validates the value against its ``Setting/kind`` and appends one line per bad
/// value to ``problems`` (naming the setting, never echoing a secret), so a command can report
/// every problem at once and exit with code 2.
public struct SettingValues: Sendable {
    /// Values by setting name; an empty value counts as unset.
    public let values: [String: String]
    /// The process environment as it was before files and secrets were merged in.
    public let environment: [String: String]
    /// Problems found by the reads so far, one line each.
    public private(set) var problems: [String] = []

    /// Wraps merged values; `environment` is the process's own (for settings whose source matters).
    public init(_ values: [String: String], environment: [String: String] = [:]) {
        self.values = values
        self.environment = environment
    }

    /// The value of `name` in the process environment itself (non-empty), or `nil`.
    public func fromEnvironment(_ name: String) -> String? {
        guard let value = self.environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// Records a problem found by a caller's own validation.
    public mutating func report(_ problem: String) {
        self.problems.append(problem)
    }

    /// The raw value of `name` (non-empty), or `nil`.
    public func raw(_ name: String) -> String? {
        guard let value = self.values[name], !value.isEmpty else { return nil }
        return value
    }

    /// The text value, or the declared default.
    public func string(_ setting: Setting) -> String? {
        self.raw(setting.name) ?? setting.defaultValue
    }

    /// The integer value (checked against the declared range), or the declared default.
    public mutating func int(_ setting: Setting) -> Int? {
        let fallback = setting.defaultValue.flatMap { Int($0) }
        guard let text = self.raw(setting.name) else { return fallback }
        let range: ClosedRange<Int>
        if case .integer(let declared) = setting.kind { range = declared } else { range = Int.min...Int.max }
        guard let number = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
            self.problems.append("\(setting.name) must be an integer in \(range.lowerBound)...\(range.upperBound)")
            return fallback
        }
        return number
    }

    /// The boolean value, or the declared default (`false` when none).
    public mutating func bool(_ setting: Setting) -> Bool {
        let fallback = setting.defaultValue.flatMap(Self.parseBool) ?? false
        guard let text = self.raw(setting.name) else { return fallback }
        guard let value = Self.parseBool(text) else {
            self.problems.append("\(setting.name) must be 1 or 0")
            return fallback
        }
        return value
    }

    /// The chosen word (lowercased, checked against the declared choices), or the declared default.
    public mutating func choice(_ setting: Setting) -> String? {
        guard let text = self.raw(setting.name)?.lowercased() else { return setting.defaultValue }
        if case .choice(let words) = setting.kind, !words.contains(text) {
            self.problems.append("\(setting.name) must be \(Self.list(words))")
            return setting.defaultValue
        }
        return text
    }

    static func parseBool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "true", "on", "yes": return true
        case "0", "false", "off", "no": return false
        default: return nil
        }
    }

    /// `a, b or c`.
    static func list(_ words: [String]) -> String {
        guard words.count > 1 else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " or " + words.last!
    }
}
