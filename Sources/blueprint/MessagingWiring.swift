import ArgumentParser
import Foundation
import JobEngine
import Logging
import Messaging
import SMTPClient
import SMTPProtocol

/// Builds the email (and SMS) services from settings and registers their job types, before the
/// catalog's "not implemented" placeholders.
///
/// | variable | meaning | default |
/// |---|---|---|
/// | `SMTP_URL` | `smtp://user:pass@host:587?tls=starttls`, `tls=implicit`, `tls=none`, or `outbox:///dir` | `outbox://` under `./var/outbox/mail` |
/// | `MAIL_FROM` | sender, `addr` or `Name <addr>` | `Blueprint <noreply@blueprint.invalid>` with the outbox; required with SMTP |
/// | `SMTP_CA_FILE` | PEM bundle of extra CAs for the relay's certificate | system trust store |
/// | `MAIL_TEMPLATES_DIR` | extra or overriding `<locale>/<name>.<part>.mustache` files | built-in templates only |
/// | `SMS_PROVIDER` | `nhn`, `solapi`, `twilio` or `outbox` | `outbox` (files under `SMS_OUTBOX_DIR`, default `./var/outbox/sms`) |
/// | `SMS_API_BASE_URL` | the provider's API base URL (tests, proxies) | the provider's public API |
/// | `SMS_SENDER` | registered caller number (`0212345678`; Twilio: `+1...` or `MG...`) | required for a real provider |
/// | `NHN_SMS_APP_KEY`, `NHN_SMS_SECRET_KEY` | NHN Cloud credentials | |
/// | `SOLAPI_API_KEY`, `SOLAPI_API_SECRET` | Solapi credentials | |
/// | `TWILIO_ACCOUNT_SID`, `TWILIO_AUTH_TOKEN` | Twilio credentials | |
/// | `IDENTITY_PASS_ENCRYPTION_KEY`, `IDENTITY_PASS_INTEGRITY_KEY`, `IDENTITY_HASH_KEY` | base64 keys of `verify_phone_identity` (docs/phone-identity.md) | unset: the type stays "not implemented" |
enum MessagingWiring {
    /// What `serve` must shut down at the end.
    struct Services {
        var transports: [any MailTransport] = []

        func shutdown() async {
            for transport in self.transports { await transport.shutdown() }
        }
    }

    static func register(in registry: inout JobRegistry, values: [String: String], logger: Logger) throws -> Services {
        var problems: [String] = []
        var services = Services()
        func value(_ name: String) -> String? { values[name].flatMap { $0.isEmpty ? nil : $0 } }

        // Email.
        let caFile = value("SMTP_CA_FILE")
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) { problems.append("SMTP_CA_FILE is not a readable file") }
        var transportSettings = MailTransportSettings.outbox(directory: "var/outbox/mail")
        if let url = value("SMTP_URL") {
            do { transportSettings = try MailTransportSettings(url: url, caFile: caFile) } catch { problems.append(error.message) }
        }
        var from: MailAddress?
        let fromText = value("MAIL_FROM") ?? (transportSettings.isOutbox ? "Blueprint <noreply@blueprint.invalid>" : nil)
        if let fromText {
            do { from = try Self.parseMailbox(fromText) } catch { problems.append("MAIL_FROM: \(error.message)") }
        } else {
            problems.append("MAIL_FROM is required when SMTP_URL names a relay")
        }
        var templates: MessageTemplates?
        do { templates = try MessageTemplates(templates: BuiltInTemplates.all, directory: value("MAIL_TEMPLATES_DIR")) } catch {
            problems.append("MAIL_TEMPLATES_DIR: \(error)")
        }
        if problems.isEmpty, let from, let templates {
            do {
                let transport: any MailTransport
                switch transportSettings {
                case .outbox(let directory): transport = try OutboxMailTransport(directory: directory)
                case .smtp(let configuration): transport = SMTPMailTransport(client: try SMTPClient(configuration: configuration, logger: logger))
                }
                EmailService(transport: transport, from: from, templates: templates).register(in: &registry)
                services.transports.append(transport)
                logger.info("email service ready", metadata: ["email.transport": "\(transport.kind)"])
            } catch let error as SMTPError {
                problems.append(error.message)
            } catch {
                problems.append("SMTP_URL outbox: \(error)")
            }
        }

        // SMS.
        do {
            let provider = try Self.smsProvider(value)
            let smsTemplates = try templates ?? MessageTemplates(templates: BuiltInTemplates.all)
            SMSService(provider: provider, templates: smsTemplates).register(in: &registry)
            logger.info("sms service ready", metadata: ["sms.provider": "\(provider.name)"])
        } catch let invalid as InvalidSetting {
            problems.append(invalid.message)
        } catch {
            problems.append("SMS: \(error)")
        }

        // Phone identity (PASS shape).
        let identityNames = ["IDENTITY_PASS_ENCRYPTION_KEY", "IDENTITY_PASS_INTEGRITY_KEY", "IDENTITY_HASH_KEY"]
        let identityKeys = identityNames.map { value($0).flatMap { Data(base64Encoded: $0) } }
        if identityNames.contains(where: { value($0) != nil }) {
            if identityKeys.contains(where: { $0 == nil }) {
                problems.append("\(identityNames.joined(separator: ", ")) must all be set, as standard base64")
            } else {
                do {
                    try PhoneIdentityVerifier(encryptionKey: identityKeys[0]!, integrityKey: identityKeys[1]!, hashKey: identityKeys[2]!).register(in: &registry)
                } catch {
                    problems.append(error.message)
                }
            }
        }

        if !problems.isEmpty {
            FileHandle.standardError.write(Data(problems.map { "invalid setting: \($0)\n" }.joined().utf8))
            throw ExitCode(2)
        }
        return services
    }

    struct InvalidSetting: Error {
        let message: String
    }

    /// The provider named by `SMS_PROVIDER` with its credentials.
    static func smsProvider(_ value: (String) -> String?) throws -> any SMSProvider {
        let name = value("SMS_PROVIDER")?.lowercased() ?? "outbox"
        if name == "outbox" { return try OutboxSMSProvider(directory: value("SMS_OUTBOX_DIR") ?? "var/outbox/sms") }
        var base: URL?
        if let text = value("SMS_API_BASE_URL") {
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw InvalidSetting(message: "SMS_API_BASE_URL must be an http(s) URL")
            }
            base = url
        }
        func required(_ key: String) throws -> String {
            guard let found = value(key) else { throw InvalidSetting(message: "\(key) is required with SMS_PROVIDER=\(name)") }
            return found
        }
        let sender = try required("SMS_SENDER")
        let http = try NIOHTTPTransport()
        switch name {
        case "nhn":
            return NHNCloudSMSProvider(
                baseURL: base ?? NHNCloudSMSProvider.defaultBaseURL, appKey: try required("NHN_SMS_APP_KEY"), secretKey: try required("NHN_SMS_SECRET_KEY"),
                sender: sender, http: http)
        case "solapi":
            return SolapiSMSProvider(
                baseURL: base ?? SolapiSMSProvider.defaultBaseURL, apiKey: try required("SOLAPI_API_KEY"), apiSecret: try required("SOLAPI_API_SECRET"),
                sender: sender, http: http)
        case "twilio":
            return TwilioSMSProvider(
                baseURL: base ?? TwilioSMSProvider.defaultBaseURL, accountSID: try required("TWILIO_ACCOUNT_SID"),
                authToken: try required("TWILIO_AUTH_TOKEN"), sender: sender, http: http)
        default:
            throw InvalidSetting(message: "SMS_PROVIDER must be nhn, solapi, twilio or outbox")
        }
    }

    /// `addr` or `Name <addr>`.
    static func parseMailbox(_ text: String) throws(SMTPProtocolError) -> MailAddress {
        if let open = text.lastIndex(of: "<"), text.hasSuffix(">") {
            let name = text[..<open].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            let address = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
            return try MailAddress(address, displayName: name.isEmpty ? nil : name, field: "MAIL_FROM")
        }
        return try MailAddress(text.trimmingCharacters(in: .whitespaces), field: "MAIL_FROM")
    }
}

extension MailTransportSettings {
    var isOutbox: Bool {
        if case .outbox = self { return true }
        return false
    }
}
