import Foundation
import Observability
import Secrets

/// Runs before anything logs: fills the declared secret settings from `*_FILE` files and Vault
/// (``SecretStore``) and registers every resolved secret with the redactor the JSON log handler
/// uses, so that no secret shows in a log line.
public enum SecretBootstrap {
    /// The environment with every declared secret resolved; each secret value is registered
    /// with `redactor`.
    ///
    /// - Throws: ``SecretError`` naming the setting (never the value) when a secret cannot be read.
    public static func environment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment, secretNames: [String], redactor: PIIRedactor
    ) async throws(SecretError) -> [String: String] {
        return try await SecretStore(environment: environment, secretNames: secretNames, redactor: redactor).resolvedEnvironment()
    }

    /// Masks a reloaded key ring's text and each of its keys in every later log line.
    static func register(keyRing text: String, with redactor: PIIRedactor) {
        redactor.register(secret: text)
        for entry in text.split(separator: ",") {
            if let colon = entry.firstIndex(of: ":") {
                redactor.register(secret: entry[entry.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
    }
}
