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

        if !problems.isEmpty {
            FileHandle.standardError.write(Data(problems.map { "invalid setting: \($0)\n" }.joined().utf8))
            throw ExitCode(2)
        }
        return services
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
