import Foundation
import Logging
import Observability
import OutboundHTTP
import Secrets

/// Runs before anything logs: fills the declared secret settings from `*_FILE` files and Vault
/// (``SecretStore``) and registers every resolved secret with the redactor the JSON log handler
/// uses, so that no secret shows in a log line.
public enum SecretBootstrap {
    /// The environment with every declared secret resolved; each secret value is registered
    /// with `redactor`.
    ///
    /// - Parameter http: the client Vault is read through. At start-up the service group (and
    ///   its shared client) does not run yet: pass ``makeHTTPClient()`` and shut it down after.
    /// - Throws: ``SecretError`` naming the setting (never the value) when a secret cannot be read.
    public static func environment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment, secretNames: [String], redactor: PIIRedactor,
        http: OutboundHTTPClient
    ) async throws(SecretError) -> [String: String] {
        try await SecretStore(environment: environment, secretNames: secretNames, redactor: redactor, http: http).resolvedEnvironment()
    }

    /// A client for reading secrets before the service group runs; the caller calls
    /// ``OutboundHTTPClient/shutdown()`` when done. It logs nothing: logging is not set up yet,
    /// and the redactor does not know the secrets until they are read.
    public static func makeHTTPClient() -> OutboundHTTPClient {
        OutboundHTTPClient(logger: Logger(label: "blueprint.secrets", factory: { _ in SwiftLogNoOpLogHandler() }))
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
