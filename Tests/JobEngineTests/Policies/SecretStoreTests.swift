import Foundation
import OutboundHTTP
import TestSupport
import Testing

@testable import JobEngine
@testable import Observability
@testable import Policies
@testable import Secrets

@Suite("Secrets from env, *_FILE and Vault KV v2 (fake Vault)")
struct SecretStoreTests {
    static let secretNames = ["BLUEPRINT_ADMIN_TOKEN", "SMTP_URL", "BLUEPRINT_ENCRYPTION_KEYS", "REDIS_URL", "SOLAPI_API_KEY", "STORAGE_URL"]
    static func temporaryFile(_ contents: String) throws -> String {
        let path = NSTemporaryDirectory() + "secret-\(UUID().uuidString)"
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("env wins over the file; a file is re-read when it changes; a missing file is a clear error")
    func environmentAndFiles() async throws {
        let path = try Self.temporaryFile("first-admin-token\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let redactor = PIIRedactor()
        try await withOutboundHTTP { http in
            let store = try SecretStore(
                environment: [
                    "BLUEPRINT_ADMIN_TOKEN_FILE": path, "SMTP_URL": "smtp://mailer:p%40ss-word-77@127.0.0.1:587",
                    "SOLAPI_API_KEY_FILE": "/nonexistent/x",
                ], secretNames: Self.secretNames,
                redactor: redactor, http: http)
            #expect(try await store.value("BLUEPRINT_ADMIN_TOKEN") == "first-admin-token")
            // Kubernetes swaps the file; an atomic rename gives it a new inode.
            try "second-admin-token".write(toFile: path, atomically: true, encoding: .utf8)
            #expect(try await store.value("BLUEPRINT_ADMIN_TOKEN") == "second-admin-token")
            #expect(try await store.value("SMTP_URL") == "smtp://mailer:p%40ss-word-77@127.0.0.1:587")
            #expect(try await store.value("STORAGE_URL") == nil)
            do {
                _ = try await store.value("SOLAPI_API_KEY")
                Issue.record("missing file accepted")
            } catch let error as SecretError {
                #expect(error.message.hasPrefix("SOLAPI_API_KEY_FILE: cannot read /nonexistent/x"))
            }
        }
        let line = redactor.redact("token first-admin-token, then second-admin-token, smtp password p@ss-word-77")
        #expect(!line.contains("admin-token") && !line.contains("p@ss-word-77"))
    }

    @Test("Vault KV v2 with a token: values fill the settings no env or file gave")
    func vaultToken() async throws {
        try await FakeVault.run { vault in
            try await withOutboundHTTP { http in
                vault.state.withLockedValue {
                    $0.tokens = ["hvs.root-token-123"]
                    $0.secrets["secret/blueprint/worker"] = [
                        "BLUEPRINT_ADMIN_TOKEN": "vault-admin-token-9", "SMTP_URL": "smtp://u:vault-smtp-pass@h:587",
                    ]
                }
                let redactor = PIIRedactor()
                let store = try SecretStore(
                    environment: [
                        "VAULT_ADDR": vault.address, "VAULT_TOKEN": "hvs.root-token-123",
                        "BLUEPRINT_VAULT_PATH": "blueprint/worker",
                        "SMTP_URL": "smtp://env-wins@h",
                    ], secretNames: Self.secretNames,
                    redactor: redactor, http: http)
                let resolved = try await store.resolvedEnvironment()
                #expect(resolved["BLUEPRINT_ADMIN_TOKEN"] == "vault-admin-token-9")
                #expect(resolved["SMTP_URL"] == "smtp://env-wins@h")
                #expect(vault.state.withLockedValue { $0.requests } == ["GET /v1/secret/data/blueprint/worker"])
                #expect(redactor.redact("hvs.root-token-123 vault-admin-token-9") == "[REDACTED] [REDACTED]")

                let wrong = try SecretStore(
                    environment: [
                        "VAULT_ADDR": vault.address, "VAULT_TOKEN": "hvs.wrong-token-456",
                        "BLUEPRINT_VAULT_PATH": "blueprint/worker",
                    ], secretNames: Self.secretNames, http: http)
                do {
                    _ = try await wrong.value("BLUEPRINT_ADMIN_TOKEN")
                    Issue.record("a wrong token read the secret")
                } catch let error as SecretError {
                    #expect(
                        error.message == "Vault GET secret/data/blueprint/worker returned HTTP 403: permission denied")
                    #expect(!error.message.contains("hvs.wrong-token-456"))
                }
            }
        }
    }

    @Test("Vault Kubernetes auth logs in with the service account JWT and reads the secret")
    func vaultKubernetes() async throws {
        let jwtPath = try Self.temporaryFile("eyJhbGciOi.service-account.jwt\n")
        defer { try? FileManager.default.removeItem(atPath: jwtPath) }
        try await FakeVault.run { vault in
            try await withOutboundHTTP { http in
                vault.state.withLockedValue {
                    $0.roles["blueprint-worker"] = "eyJhbGciOi.service-account.jwt"
                    $0.secrets["kv/prod/worker"] = [
                        "BLUEPRINT_ENCRYPTION_KEYS": "k1:" + Data(repeating: 5, count: 32).base64EncodedString()
                    ]
                }
                let store = try SecretStore(
                    environment: [
                        "VAULT_ADDR": vault.address, "VAULT_AUTH": "kubernetes", "VAULT_K8S_ROLE": "blueprint-worker",
                        "VAULT_K8S_JWT_FILE": jwtPath, "VAULT_KV_MOUNT": "kv", "BLUEPRINT_VAULT_PATH": "/prod/worker",
                    ], secretNames: Self.secretNames, http: http)
                let keys = try #require(try await store.value("BLUEPRINT_ENCRYPTION_KEYS"))
                #expect(try KeyRing(parsing: keys).current.id == "k1")
                _ = try await store.value("BLUEPRINT_ENCRYPTION_KEYS")
                #expect(vault.state.withLockedValue { $0.logins } == 1, "the token is cached")
                // The token is revoked: the next read logs in again.
                vault.state.withLockedValue { $0.tokens.removeAll() }
                #expect(try await store.value("BLUEPRINT_ENCRYPTION_KEYS") == keys)
                #expect(vault.state.withLockedValue { $0.logins } == 2)

                let badRole = try SecretStore(
                    environment: [
                        "VAULT_ADDR": vault.address, "VAULT_AUTH": "kubernetes", "VAULT_K8S_ROLE": "other",
                        "VAULT_K8S_JWT_FILE": jwtPath,
                        "BLUEPRINT_VAULT_PATH": "prod/worker",
                    ], secretNames: Self.secretNames, http: http)
                await #expect(throws: SecretError.self) { try await badRole.value("BLUEPRINT_ENCRYPTION_KEYS") }
                #expect(
                    vault.state.withLockedValue { $0.requests }.filter {
                        $0.hasPrefix("POST /v1/auth/kubernetes/login")
                    }.count == 3)
                #expect(vault.state.withLockedValue { $0.requests }.contains("GET /v1/kv/data/prod/worker"))
            }
        }
    }

    @Test("Vault unreachable: a clear error naming the path, never the token")
    func vaultUnreachable() async throws {
        try await withOutboundHTTP({ $0.connectTimeout = .milliseconds(300) }) { http in
            let store = try SecretStore(
                environment: [
                    "VAULT_ADDR": "http://127.0.0.1:1", "VAULT_TOKEN": "hvs.unused-token-789",
                    "BLUEPRINT_VAULT_PATH": "blueprint/worker",
                ],
                secretNames: Self.secretNames, http: http)
            do {
                _ = try await store.value("BLUEPRINT_ADMIN_TOKEN")
                Issue.record("read from a closed port")
            } catch let error as SecretError {
                #expect(
                    error.message.hasPrefix(
                        "Vault GET secret/data/blueprint/worker failed: cannot connect to 127.0.0.1:1"),
                    "\(error.message)")
                #expect(!error.message.contains("hvs.unused-token-789"))
            }
        }
    }

    @Test("incomplete Vault settings are refused with one clear message")
    func vaultSettings() async throws {
        try await withOutboundHTTP { http in
            let cases: [([String: String], String)] = [
                (["BLUEPRINT_VAULT_PATH": "x"], "BLUEPRINT_VAULT_PATH is set but VAULT_ADDR is not"),
                (["VAULT_ADDR": "ftp://x", "BLUEPRINT_VAULT_PATH": "x"], "VAULT_ADDR must be an http(s) URL"),
                (["VAULT_ADDR": "http://127.0.0.1:1"], "BLUEPRINT_VAULT_PATH"),
                (["VAULT_ADDR": "http://127.0.0.1:1", "BLUEPRINT_VAULT_PATH": "x"], "neither VAULT_TOKEN"),
                (
                    ["VAULT_ADDR": "http://127.0.0.1:1", "BLUEPRINT_VAULT_PATH": "x", "VAULT_AUTH": "kubernetes"],
                    "VAULT_K8S_ROLE"
                ),
                (
                    ["VAULT_ADDR": "http://127.0.0.1:1", "BLUEPRINT_VAULT_PATH": "x", "VAULT_AUTH": "ldap"],
                    "token or kubernetes"
                ),
            ]
            for (environment, expected) in cases {
                do {
                    _ = try SecretStore(environment: environment, secretNames: Self.secretNames, http: http)
                    Issue.record("accepted \(environment)")
                } catch let error as SecretError {
                    #expect(error.message.contains(expected), "\(error.message)")
                }
            }
        }
    }
}
