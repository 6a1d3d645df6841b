import Foundation
import JobEngine
import Logging

/// The `sms_queue` job types `send_sms` and `send_sms_code`.
///
/// Like email: the message is built and validated first (permanent errors for bad numbers,
/// templates or texts), then the job's ``SentMarker`` is claimed, the provider called and the
/// marker set. Provider outages are dependency failures of `sms:<provider>` (retried, counted by
/// that breaker); refusals are permanent with the provider's (masked) reason.
public struct SMSService: Sendable {
    public static let queue = "sms_queue"
    public static let purposes: Set<String> = ["signup", "login", "phone", "password_reset"]

    public let provider: any SMSProvider
    public let templates: MessageTemplates
    public var defaultLocale = "ko"
    public var timeout: Duration = .seconds(30)
    public var retryPolicy = RetryPolicy(maximumRetries: 5, baseDelay: .seconds(2), maximumDelay: .seconds(300))

    /// The breaker name of the provider.
    public var dependency: String { "sms:\(self.provider.name)" }

    public init(provider: any SMSProvider, templates: MessageTemplates) {
        self.provider = provider
        self.templates = templates
    }

    public func register(in registry: inout JobRegistry, queues: Set<String> = [SMSService.queue]) {
        let service = self
        registry.register(
            JobDefinition<SendSMSArguments>(name: "send_sms", timeout: self.timeout, retryPolicy: self.retryPolicy, dependencies: [self.dependency]),
            queues: queues
        ) { arguments, context in
            try await service.send(try service.message(for: arguments), context: context)
        }
        registry.register(
            JobDefinition<SendSMSCodeArguments>(name: "send_sms_code", timeout: self.timeout, retryPolicy: self.retryPolicy, dependencies: [self.dependency]),
            queues: queues
        ) { arguments, context in
            try await service.send(try service.message(for: arguments), context: context)
        }
    }

    func message(for arguments: SendSMSArguments) throws(JobError) -> SMSMessage {
        let to = try Self.phone(arguments.to)
        let text: String
        if let template = arguments.template {
            guard arguments.text == nil else { throw .permanent("invalid arguments: give either 'text' or 'template', not both") }
            let locale = try self.locale(arguments.locale)
            guard let rendered = try self.templates.render(template, locale: locale, part: "sms", vars: arguments.vars ?? [:]) else {
                throw .permanent("unknown SMS template '\(MessageTemplates.isValidName(template) ? template : "?")' for locale \(locale)")
            }
            text = rendered
        } else if let given = arguments.text {
            text = given
        } else {
            throw .permanent("invalid arguments: missing 'text' or 'template'")
        }
        return try Self.validated(SMSMessage(to: to, text: text, subject: arguments.subject))
    }

    func message(for arguments: SendSMSCodeArguments) throws(JobError) -> SMSMessage {
        let to = try Self.phone(arguments.to)
        try VerificationCode.validate(arguments.code)
        guard Self.purposes.contains(arguments.purpose) else {
            throw .permanent("invalid arguments: argument 'purpose' must be one of \(Self.purposes.sorted().joined(separator: ", "))")
        }
        let text = try self.templates.render("verification_code", locale: try self.locale(arguments.locale), part: "sms", vars: ["code": .string(arguments.code)]) ?? ""
        return try Self.validated(SMSMessage(to: to, text: text))
    }

    static func validated(_ message: SMSMessage) throws(JobError) -> SMSMessage {
        guard !message.text.isEmpty else { throw .permanent("invalid arguments: empty text") }
        guard SMSEncoding.eucKRLength(message.text) <= SMSEncoding.lmsLimit else {
            throw .permanent("invalid arguments: text longer than \(SMSEncoding.lmsLimit) EUC-KR bytes (LMS limit)")
        }
        if let subject = message.subject, subject.count > 40 || subject.contains(where: \.isNewline) {
            throw .permanent("invalid arguments: 'subject' must be one line of at most 40 characters")
        }
        if message.text.unicodeScalars.contains(where: { $0.value == 0 }) { throw .permanent("invalid arguments: text contains NUL") }
        return message
    }

    static func phone(_ text: String) throws(JobError) -> PhoneNumber {
        do {
            return try PhoneNumber(text)
        } catch {
            throw .permanent("invalid arguments: argument 'to': \(error.message)")
        }
    }

    private func locale(_ value: String?) throws(JobError) -> String {
        let locale = value ?? self.defaultLocale
        guard MessageTemplates.locales.contains(locale) else { throw .permanent("invalid arguments: argument 'locale' must be ko or en") }
        return locale
    }

    func send(_ message: SMSMessage, context: JobContext) async throws -> SMSReceipt {
        let marker = SentMarker(redis: context.redis)
        switch try await marker.claim(context, claimFor: self.timeout + .seconds(30)) {
        case .alreadySent(let id):
            context.logger.info("SMS already sent by an earlier delivery; not sending again")
            return SMSReceipt(message_id: id, provider: "already_sent", kind: message.kind)
        case .inProgress:
            throw JobError.transient("another delivery of this job is sending it", retryAfter: self.timeout)
        case .claimed:
            break
        }
        do {
            let receipt = try await self.provider.send(message)
            await marker.markSent(context, detail: receipt.message_id)
            context.logger.info("SMS sent", metadata: ["sms.to": "\(message.to.masked)", "sms.provider": "\(receipt.provider)", "sms.kind": "\(receipt.kind.rawValue)"])
            return receipt
        } catch {
            await marker.release(context)
            switch error {
            case .unavailable(let text, let retryAfter): throw DependencyFailure.make(self.dependency, text, retryAfter: retryAfter)
            case .refused(let text): throw JobError.permanent(text)
            }
        }
    }
}
