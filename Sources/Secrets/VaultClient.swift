import Foundation
import NIOConcurrencyHelpers
import NIOHTTP1
import OutboundHTTP

/// Reads secrets from HashiCorp Vault's KV version 2 engine over its HTTP API.
///
/// - read: `GET /v1/<mount>/data/<path>` with header `X-Vault-Token`; the secret's fields are in
///   `data.data`.
/// - Kubernetes auth: `POST /v1/auth/<authMount>/login` with `{"role": ..., "jwt": <service account
///   token>}`; the token is `auth.client_token`. It is cached and renewed by logging in again when
///   Vault answers 403 (expired) or its lease is over.
///
/// Calls go through the shared ``OutboundHTTPClient`` (pooled connections, a deadline per call).
/// Errors name the path and HTTP status, never a token or a value.
public final class VaultClient: Sendable {
    /// How the client gets its Vault token.
    public enum Authentication: Sendable {
        /// A fixed token (`VAULT_TOKEN` or `VAULT_TOKEN_FILE`).
        case token(String)
        /// Kubernetes auth: `role`, the service account JWT file, the auth mount (`kubernetes`).
        case kubernetes(role: String, jwtPath: String, mount: String)
    }

    /// Vault's address (`VAULT_ADDR`).
    public let address: URL
    /// The KV v2 mount (`VAULT_KV_MOUNT`).
    public let kvMount: String
    private let authentication: Authentication
    private let http: OutboundHTTPClient
    private let timeout: Duration
    private struct Token: Sendable {
        var value: String
        var expiresAt: Date?
    }
    private let token = NIOLockedValueBox<Token?>(nil)

    /// - Parameters:
    ///   - http: the client the calls go through; the caller owns (and shuts down) it.
    ///   - timeout: deadline of each call to Vault.
    public init(
        address: URL, authentication: Authentication, kvMount: String = "secret", http: OutboundHTTPClient,
        timeout: Duration = .seconds(10)
    ) {
        self.address = address
        self.authentication = authentication
        self.kvMount = kvMount
        self.http = http
        self.timeout = timeout
        if case .token(let value) = authentication {
            self.token.withLockedValue { $0 = Token(value: value, expiresAt: nil) }
        }
    }

    /// The string fields of the KV v2 secret at `path` (latest version).
    public func read(path: String) async throws(SecretError) -> [String: String] {
        let trimmed = path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let url = self.address.appendingPathComponent("v1/\(self.kvMount)/data/\(trimmed)")
        var attempt = 0
        while true {
            attempt += 1
            let token = try await self.currentToken()
            let request = OutboundRequest(
                method: .GET, url: url.absoluteString, headers: ["X-Vault-Token": token], timeout: self.timeout)
            let (status, body) = try await self.send(request, what: "GET \(self.kvMount)/data/\(trimmed)")
            if status == 403, attempt == 1, case .kubernetes = self.authentication {
                self.token.withLockedValue { $0 = nil }  // expired: log in again once
                continue
            }
            guard status == 200 else {
                throw .vault(
                    "Vault GET \(self.kvMount)/data/\(trimmed) returned HTTP \(status)\(Self.vaultErrors(body))")
            }
            guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
                let outer = object["data"] as? [String: Any], let fields = outer["data"] as? [String: Any]
            else {
                throw .vault(
                    "Vault GET \(self.kvMount)/data/\(trimmed): reply has no data.data object (is the mount KV version 2?)"
                )
            }
            var result: [String: String] = [:]
            for (key, value) in fields {
                if let text = value as? String {
                    result[key] = text
                } else if let number = value as? NSNumber {
                    result[key] = number.stringValue
                }
            }
            return result
        }
    }

    private func currentToken() async throws(SecretError) -> String {
        if let cached = self.token.withLockedValue({ $0 }), cached.expiresAt.map({ $0 > Date() }) ?? true {
            return cached.value
        }
        guard case .kubernetes(let role, let jwtPath, let mount) = self.authentication else {
            throw .vault("Vault token missing")
        }
        let jwt = try FileSecret(path: jwtPath).value()
        let login = (try? JSONSerialization.data(withJSONObject: ["role": role, "jwt": jwt])) ?? Data()
        let request = OutboundRequest(
            method: .POST, url: self.address.appendingPathComponent("v1/auth/\(mount)/login").absoluteString,
            headers: ["Content-Type": "application/json"], body: .init(bytes: login), timeout: self.timeout)
        let (status, body) = try await self.send(request, what: "POST auth/\(mount)/login")
        guard status == 200 else {
            throw .vault("Vault Kubernetes login (role '\(role)') returned HTTP \(status)\(Self.vaultErrors(body))")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
            let auth = object["auth"] as? [String: Any], let value = auth["client_token"] as? String, !value.isEmpty
        else { throw .vault("Vault Kubernetes login reply has no auth.client_token") }
        let lease = (auth["lease_duration"] as? NSNumber)?.doubleValue ?? 0
        // Renew a little before the lease ends.
        let expires = lease > 0 ? Date().addingTimeInterval(lease * 0.9) : nil
        self.token.withLockedValue { $0 = Token(value: value, expiresAt: expires) }
        return value
    }

    private func send(_ request: OutboundRequest, what: String) async throws(SecretError) -> (Int, Data) {
        do {
            let response = try await self.http.execute(request)
            return (response.status, Data(response.bytes))
        } catch {
            throw .vault("Vault \(what) failed: \(error.message)")
        }
    }

    /// `: <errors>` from a Vault error body (Vault's messages do not contain secrets), at most 200 characters.
    private static func vaultErrors(_ body: Data) -> String {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
            let errors = object["errors"] as? [String], !errors.isEmpty
        else { return "" }
        return ": " + String(errors.joined(separator: "; ").prefix(200))
    }
}
