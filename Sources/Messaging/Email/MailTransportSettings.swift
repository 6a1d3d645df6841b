import Foundation
import SMTPClient

/// The mail destination from `SMTP_URL` (DESIGN.md section 6).
///
/// - `smtp://user:pass@host:587?tls=starttls` — STARTTLS (the default for `smtp://`), port 587 by default
/// - `smtp://host:465?tls=implicit` or `smtps://host` — TLS from the first byte, port 465 by default
/// - `smtp://host:25?tls=none` — plain text (loopback relays only)
/// - `outbox:///var/outbox` — `.eml` files in a directory (the development default)
///
/// Optional query items: `pool` (connections, 1...64), `timeout` (seconds per command, 1...600).
/// User and password are percent-decoded; error messages never include them.
public enum MailTransportSettings: Sendable {
    case smtp(SMTPClientConfiguration)
    case outbox(directory: String)

    /// Parses `url`; `caFile` is `SMTP_CA_FILE`.
    public init(url text: String, caFile: String? = nil) throws(SMTPError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw .configuration("SMTP_URL must look like smtp://user:pass@host:587?tls=starttls or outbox:///dir")
        }
        switch scheme {
        case "outbox":
            let path = components.path
            guard !path.isEmpty else { throw .configuration("SMTP_URL outbox:///dir needs a directory") }
            self = .outbox(directory: path.removingPercentEncoding ?? path)
        case "smtp", "smtps":
            guard let host = components.host, !host.isEmpty else { throw .configuration("SMTP_URL needs a host") }
            let query = Dictionary((components.queryItems ?? []).map { ($0.name.lowercased(), $0.value ?? "") }, uniquingKeysWith: { $1 })
            let security: SMTPClientConfiguration.Security
            switch (scheme, query["tls"]?.lowercased()) {
            case ("smtps", nil), (_, "implicit"), (_, "tls"), (_, "ssl"): security = .implicit
            case ("smtp", nil), (_, "starttls"): security = .startTLS
            case (_, "none"), (_, "off"): security = .none
            default: throw .configuration("SMTP_URL tls must be starttls, implicit or none")
            }
            let port = components.port ?? (security == .implicit ? 465 : security == .startTLS ? 587 : 25)
            guard (1...65_535).contains(port) else { throw .configuration("SMTP_URL port out of range") }
            let username = components.percentEncodedUser.map { $0.removingPercentEncoding ?? $0 }
            let password = components.percentEncodedPassword.map { $0.removingPercentEncoding ?? $0 }
            if password != nil, username == nil { throw .configuration("SMTP_URL has a password without a user") }
            var configuration = SMTPClientConfiguration(
                host: host, port: port, security: security, username: username, password: password, caFile: caFile)
            if let pool = query["pool"] {
                guard let n = Int(pool), (1...64).contains(n) else { throw .configuration("SMTP_URL pool must be 1...64") }
                configuration.maximumConnections = n
            }
            if let timeout = query["timeout"] {
                guard let n = Int(timeout), (1...600).contains(n) else { throw .configuration("SMTP_URL timeout must be 1...600 seconds") }
                configuration.commandTimeout = .seconds(Int64(n))
            }
            if let helo = query["helo"], !helo.isEmpty {
                guard helo.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }) else { throw .configuration("SMTP_URL helo must be a host name") }
                configuration.heloName = helo
            }
            self = .smtp(configuration)
        default:
            throw .configuration("SMTP_URL scheme must be smtp, smtps or outbox")
        }
    }
}
