import Foundation
import Observability
import OutboundHTTP
import SettingsModel

/// Resolves secret settings from, in order: the environment (`NAME`), a file (`NAME_FILE`,
/// re-read when it changes) or Vault KV v2 (the field `NAME` of the secret at `BLUEPRINT_VAULT_PATH`).
///
/// Vault is configured by `VAULT_ADDR`, `BLUEPRINT_VAULT_PATH`, `VAULT_KV_MOUNT` (default `secret`)
/// and either `VAULT_TOKEN` / `VAULT_TOKEN_FILE`, or `VAULT_AUTH=kubernetes` with `VAULT_K8S_ROLE`,
/// `VAULT_K8S_JWT_FILE` (default the pod's service account token) and `VAULT_K8S_MOUNT`
/// (default `kubernetes`). Every resolved value is handed to the ``PIIRedactor`` (if any) so it
/// never shows in a log line.
public final class SecretStore: Sendable {
    /// Vault's settings section.
    public static let groups: [SettingGroup] = [
        SettingGroup(
            "Secrets", summary: "Each secret setting `NAME` may instead come from the file `NAME_FILE` or from Vault KV v2.",
            settings: [
                Setting("VAULT_ADDR", .url, help: "Vault's address; with `BLUEPRINT_VAULT_PATH`, secrets missing from the environment are read there."),
                Setting("BLUEPRINT_VAULT_PATH", help: "The KV v2 secret whose fields are named like the settings."),
                Setting("VAULT_KV_MOUNT", default: "secret", help: "The KV v2 mount."),
                Setting("VAULT_AUTH", .choice(["token", "kubernetes"]), default: "token", help: "`token` or `kubernetes` (service account login)."),
                Setting("VAULT_TOKEN", secret: true, help: "Vault token (`VAULT_AUTH=token`)."),
                Setting("VAULT_K8S_ROLE", help: "Vault role of the Kubernetes login."),
                Setting(
                    "VAULT_K8S_JWT_FILE", .path, default: "/var/run/secrets/kubernetes.io/serviceaccount/token",
                    help: "The service account token file."),
                Setting("VAULT_K8S_MOUNT", default: "kubernetes", help: "The Kubernetes auth mount."),
            ])
    ]

    /// The settings that are secrets (every declaration with `secret: true`).
    public let secretNames: [String]

    private let environment: [String: String]
    private let files: [String: FileSecret]
    private let vault: VaultClient?
    private let vaultPath: String?
    private let redactor: PIIRedactor?

    /// Reads the configuration of the sources from `environment`.
    /// - Parameters:
    ///   - secretNames: the declared secret settings; each may come from `NAME`, `NAME_FILE` or
    ///     Vault, and every resolved value is registered with `redactor`.
    ///   - http: the client Vault is called through (unused without `VAULT_ADDR`); the caller owns it.
    public init(environment: [String: String], secretNames: [String], redactor: PIIRedactor? = nil, http: OutboundHTTPClient) throws(SecretError) {
        self.environment = environment
        self.secretNames = secretNames
        self.redactor = redactor
        var files: [String: FileSecret] = [:]
        for name in self.secretNames + ["VAULT_TOKEN"] {
            if let path = environment[name + "_FILE"], !path.isEmpty { files[name] = FileSecret(path: path) }
        }
        self.files = files
        let address = environment["VAULT_ADDR"].flatMap { $0.isEmpty ? nil : $0 }
        let path = environment["BLUEPRINT_VAULT_PATH"].flatMap { $0.isEmpty ? nil : $0 }
        guard let address else {
            if path != nil { throw .configuration("BLUEPRINT_VAULT_PATH is set but VAULT_ADDR is not") }
            self.vault = nil
            self.vaultPath = nil
            return
        }
        guard let url = URL(string: address), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw .configuration("VAULT_ADDR must be an http(s) URL")
        }
        guard let path else { throw .configuration("VAULT_ADDR is set but BLUEPRINT_VAULT_PATH (the KV v2 secret to read) is not") }
        let authentication: VaultClient.Authentication
        switch environment["VAULT_AUTH"]?.lowercased() {
        case "kubernetes", "k8s":
            guard let role = environment["VAULT_K8S_ROLE"], !role.isEmpty else {
                throw .configuration("VAULT_AUTH=kubernetes needs VAULT_K8S_ROLE")
            }
            authentication = .kubernetes(
                role: role,
                jwtPath: environment["VAULT_K8S_JWT_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "/var/run/secrets/kubernetes.io/serviceaccount/token",
                mount: environment["VAULT_K8S_MOUNT"].flatMap { $0.isEmpty ? nil : $0 } ?? "kubernetes")
        case nil, "", "token":
            let token: String
            if let value = environment["VAULT_TOKEN"], !value.isEmpty {
                token = value
            } else if let file = files["VAULT_TOKEN"] {
                token = try file.value()
            } else {
                throw .configuration("VAULT_ADDR is set but neither VAULT_TOKEN, VAULT_TOKEN_FILE nor VAULT_AUTH=kubernetes is")
            }
            redactor?.register(secret: token)
            authentication = .token(token)
        default:
            throw .configuration("VAULT_AUTH must be token or kubernetes")
        }
        self.vault = VaultClient(
            address: url, authentication: authentication,
            kvMount: environment["VAULT_KV_MOUNT"].flatMap { $0.isEmpty ? nil : $0 } ?? "secret", http: http)
        self.vaultPath = path
    }

    /// The current value of the secret setting `name`, or `nil` when no source has it.
    public func value(_ name: String) async throws(SecretError) -> String? {
        if let direct = self.environment[name], !direct.isEmpty {
            self.register(direct)
            return direct
        }
        if let file = self.files[name] {
            do {
                let value = try file.value()
                self.register(value)
                return value
            } catch {
                throw .file("\(name)_FILE: \(error.message)")
            }
        }
        if let vault, let vaultPath {
            let value = try await vault.read(path: vaultPath)[name]
            if let value { self.register(value) }
            return value
        }
        return nil
    }

    /// `environment` with every secret setting filled in from its file or Vault (one Vault read).
    public func resolvedEnvironment() async throws(SecretError) -> [String: String] {
        var result = self.environment
        var fromVault: [String: String]?
        for name in self.secretNames {
            if let direct = self.environment[name], !direct.isEmpty {
                self.register(direct)
                continue
            }
            if let file = self.files[name] {
                do { result[name] = try file.value() } catch { throw .file("\(name)_FILE: \(error.message)") }
                self.register(result[name]!)
                continue
            }
            if let vault, let vaultPath {
                if fromVault == nil { fromVault = try await vault.read(path: vaultPath) }
                if let value = fromVault?[name] {
                    result[name] = value
                    self.register(value)
                }
            }
        }
        return result
    }

    /// Registers a value (and the password of a URL) with the redactor.
    private func register(_ value: String) {
        guard let redactor else { return }
        redactor.register(secret: value)
        if let components = URLComponents(string: value), let password = components.password, !password.isEmpty {
            redactor.register(secret: password)
            if let decoded = password.removingPercentEncoding { redactor.register(secret: decoded) }
        }
    }
}
