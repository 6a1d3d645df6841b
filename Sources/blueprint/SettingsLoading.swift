import Foundation
import Observability
import Secrets
import WorkerApp

/// Resolves the declared secrets (`NAME_FILE`, Vault); on failure prints one line and exits with code 2.
///
/// Vault is read through a client of its own, shut down before this returns: the service group
/// and its shared client start later.
func loadSecrets(catalog: ModuleCatalog, redactor: PIIRedactor) async throws -> [String: String] {
    let http = SecretBootstrap.makeHTTPClient()
    let result: Result<[String: String], SecretError>
    do {
        result = .success(try await SecretBootstrap.environment(
            secretNames: ConfiguredSettings.secretNames(catalog: catalog), redactor: redactor, http: http))
    } catch {
        result = .failure(error)
    }
    try await http.shutdown()
    switch result {
    case .success(let environment):
        return environment
    case .failure(let error):
        FileHandle.standardError.write(Data("invalid setting: \(error.message)\n".utf8))
        Foundation.exit(ExitCodes.invalidSettings)
    }
}

/// Loads and validates every setting; on failure prints one line per problem and exits with code 2.
func loadSettings(
    environment: [String: String] = ProcessInfo.processInfo.environment, catalog: ModuleCatalog = .standard
) async throws -> ConfiguredSettings {
    do {
        return try await ConfiguredSettings.load(environment: environment, catalog: catalog)
    } catch {
        failInvalidSettings(error)
    }
}

/// Prints every problem and exits with code 2.
func failInvalidSettings(_ invalid: InvalidSettings) -> Never {
    FileHandle.standardError.write(Data((invalid.description + "\n").utf8))
    Foundation.exit(ExitCodes.invalidSettings)
}
