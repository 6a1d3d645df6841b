import Foundation
import JobEngine

/// Runs before anything logs: installs the PII redactor into the JSON log handler, then fills
/// secret settings from `*_FILE` files and Vault (``SecretStore``) so that every resolved secret
/// is masked in every log line. A secret that cannot be read stops the process with exit code 2
/// and one clear line (naming the setting, never the value).
enum SecretBootstrap {
    /// The process's redactor (the executable's only global: the log handler's hook is global too).
    static let redactor = PIIRedactor()

    static func environment(_ environment: [String: String] = ProcessInfo.processInfo.environment) async -> [String: String] {
        let redactor = Self.redactor
        JSONLogHandler.redact = { redactor.redact($0) }
        do {
            return try await SecretStore(environment: environment, redactor: redactor).resolvedEnvironment()
        } catch {
            FileHandle.standardError.write(Data("invalid setting: \(error.message)\n".utf8))
            Foundation.exit(2)
        }
    }

    /// Masks a reloaded key ring's text and each of its keys in every later log line.
    static func register(keyRing text: String) {
        Self.redactor.register(secret: text)
        for entry in text.split(separator: ",") {
            if let colon = entry.firstIndex(of: ":") {
                Self.redactor.register(secret: entry[entry.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
    }
}
