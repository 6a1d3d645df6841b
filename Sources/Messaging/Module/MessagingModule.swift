import Foundation
import JobEngine
import Logging
import SMTPClient
import SMTPProtocol
import ServiceModule
import SettingsModel

/// The messaging service: email (SMTP or an outbox), SMS (NHN Cloud, Solapi, Twilio or an
/// outbox) and the server-side check of phone identity results.
public struct MessagingModule: ServiceModule {
    /// The module.
    public init() {}

    public var name: String { "messaging" }

    public var queues: [QueueDeclaration] {
        [
            // I/O-bound: a job mostly waits on the relay or the provider (their own pools bound the
            // connections), so many run at once; 256 keeps a burst of short jobs from waiting on
            // round trips to Redis (measured: 28-35k jobs/s at 64, 41k at 256, 38 MB RSS).
            QueueDeclaration(EmailService.queue, group: "email_workers", defaultConcurrency: 256, summary: "email: codes, work-email checks, notifications"),
            QueueDeclaration(SMSService.queue, group: "sms_workers", defaultConcurrency: 256, summary: "SMS and phone identity"),
        ]
    }

    public var jobTypes: [JobTypeDeclaration] {
        [
            JobTypeDeclaration("send_email", queue: EmailService.queue, priority: .bulk, summary: "a templated or plain email"),
            JobTypeDeclaration("send_verification_code", queue: EmailService.queue, priority: .critical, summary: "a 6-digit sign-up or login code by email"),
            JobTypeDeclaration("send_work_email_verification", queue: EmailService.queue, priority: .critical, summary: "a code to a work address (free-mail refused)"),
            JobTypeDeclaration("send_sms", queue: SMSService.queue, priority: .bulk, summary: "a text or templated SMS"),
            JobTypeDeclaration("send_sms_code", queue: SMSService.queue, priority: .critical, summary: "a 6-digit code by SMS"),
            JobTypeDeclaration("verify_phone_identity", queue: SMSService.queue, priority: .critical, summary: "server-side check of a PASS/carrier result"),
        ]
    }

    public var dependencies: [DependencyDeclaration] {
        [
            DependencyDeclaration(EmailService.dependency, summary: "the SMTP relay"),
            DependencyDeclaration("sms:nhn", summary: "NHN Cloud SMS"),
            DependencyDeclaration("sms:solapi", summary: "Solapi"),
            DependencyDeclaration("sms:twilio", summary: "Twilio"),
        ]
    }

    public var limitActions: [LimitActionDeclaration] {
        [
            LimitActionDeclaration("email", defaultLimit: "10/1h", jobTypes: ["send_email", "send_verification_code", "send_work_email_verification"]),
            LimitActionDeclaration("sms", defaultLimit: "5/1d", jobTypes: ["send_sms", "send_sms_code"]),
        ]
    }

    public var settings: [SettingGroup] { MessagingSettings.groups }

    public func build(_ context: inout ModuleContext) throws -> ModuleBuild {
        var build = ModuleBuild()
        let logger = context.logger
        let problemsBefore = context.values.problems.count
        func value(_ setting: Setting) -> String? { context.values.raw(setting.name) }

        // Email.
        let caFile = value(MessagingSettings.smtpCAFile)
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) { context.values.report("SMTP_CA_FILE is not a readable file") }
        var transportSettings = MailTransportSettings.outbox(directory: context.dataDirectory + "/outbox/mail")
        if let url = value(MessagingSettings.smtpURL) {
            do { transportSettings = try MailTransportSettings(url: url, caFile: caFile) } catch { context.values.report(error.message) }
        }
        var from: MailAddress?
        let fromText = value(MessagingSettings.mailFrom) ?? (transportSettings.isOutbox ? "Blueprint <noreply@blueprint.invalid>" : nil)
        if let fromText {
            do { from = try MailAddress.parseMailbox(fromText, field: "MAIL_FROM") } catch { context.values.report("MAIL_FROM: \(error.message)") }
        } else {
            context.values.report("MAIL_FROM is required when SMTP_URL names a relay")
        }
        var templates: MessageTemplates?
        do { templates = try MessageTemplates(templates: BuiltInTemplates.all, directory: value(MessagingSettings.templatesDirectory)) } catch {
            context.values.report("MAIL_TEMPLATES_DIR: \(error)")
        }
        let batchWindow = context.values.int(MessagingSettings.emailBatchWindow) ?? 5
        let batchSize = context.values.int(MessagingSettings.emailBatchSize) ?? 50
        if context.values.problems.count == problemsBefore, let from, let templates {
            do {
                let transport: any MailTransport
                switch transportSettings {
                case .outbox(let directory): transport = try OutboxMailTransport(directory: directory)
                case .smtp(let configuration): transport = SMTPMailTransport(client: try SMTPClient(configuration: configuration, logger: logger))
                }
                var email = EmailService(transport: transport, from: from, templates: templates)
                if batchWindow > 0, batchSize > 0 {
                    let batcher = TemplateBatcher(
                        window: .milliseconds(batchWindow), maximumBatch: batchSize, clock: ContinuousClock(),
                        renderer: TemplateBatchRenderer(templates: templates, from: from), transport: transport)
                    email.batchDelivery = { try await batcher.deliver($0) }
                    build.services.append(batcher)
                }
                email.register(in: &build.registry)
                build.shutdown = { await transport.shutdown() }
                logger.info("email service ready", metadata: ["email.transport": "\(transport.kind)"])
            } catch let error as SMTPError {
                context.values.report(error.message)
            } catch {
                context.values.report("SMTP_URL outbox: \(error)")
            }
        }

        // SMS.
        do {
            let provider = try SMSProviderFactory.make(values: context.values, dataDirectory: context.dataDirectory, http: context.http)
            let smsTemplates = try templates ?? MessageTemplates(templates: BuiltInTemplates.all)
            SMSService(provider: provider, templates: smsTemplates).register(in: &build.registry)
            logger.info("sms service ready", metadata: ["sms.provider": "\(provider.name)"])
        } catch let invalid as InvalidSetting {
            context.values.report(invalid.message)
        } catch {
            context.values.report("SMS: \(error)")
        }

        // Phone identity (PASS shape): "not configured" until its three keys are set.
        let names = MessagingSettings.identityKeys.map(\.name)
        let keys = MessagingSettings.identityKeys.map { value($0).flatMap { Data(base64Encoded: $0) } }
        if MessagingSettings.identityKeys.contains(where: { value($0) != nil }) {
            if keys.contains(where: { $0 == nil }) {
                context.values.report("\(names.joined(separator: ", ")) must all be set, as standard base64")
            } else {
                do {
                    try PhoneIdentityVerifier(encryptionKey: keys[0]!, integrityKey: keys[1]!, hashKey: keys[2]!).register(in: &build.registry)
                } catch {
                    context.values.report(error.message)
                }
            }
        } else {
            build.unavailable["verify_phone_identity"] = "not configured: set \(names.joined(separator: ", ")) (docs/phone-identity.md)"
        }
        return build
    }
}

extension MailTransportSettings {
    var isOutbox: Bool {
        if case .outbox = self { return true }
        return false
    }
}
