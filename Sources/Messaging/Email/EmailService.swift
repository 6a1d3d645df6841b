import Foundation
import JobEngine
import Logging
import SMTPClient
import SMTPProtocol

/// The `email_queue` job types: `send_email`, `send_verification_code`, `send_work_email_verification`.
///
/// Every handler builds the message first (so bad input fails permanently before anything is
/// claimed), then claims the job's ``SentMarker``, delivers through the ``MailTransport`` and marks
/// the job sent. SMTP 4xx replies and connection failures are transient (connection failures name
/// the `smtp` dependency for its circuit breaker); 5xx replies are permanent with the server's text.
public struct EmailService: Sendable {
    /// The dependency name of the relay, one circuit breaker.
    public static let dependency = "smtp"
    /// The queue these types arrive on.
    public static let queue = "email_queue"

    public let transport: any MailTransport
    public let from: MailAddress
    public let templates: MessageTemplates
    /// Default locale when a job gives none.
    public var defaultLocale = "ko"
    /// Per-job timeout (connect + send); the sent-marker claim lasts a little longer.
    public var timeout: Duration = .seconds(60)
    /// Retries after transient failures (4xx, relay down).
    public var retryPolicy: RetryPolicy = RetryPolicy(maximumRetries: 5, baseDelay: .seconds(2), maximumDelay: .seconds(300))
    /// Wall clock (seconds since 1970), injected in tests.
    public var now: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    /// When set, templated `send_email` jobs (notifications) are delivered through it: a
    /// ``TemplateBatcher``'s ``TemplateBatcher/deliver(_:)``, which sends the jobs waiting together
    /// as one batch. Codes (`send_verification_code`, `send_work_email_verification`) and
    /// `subject`/`text` mails never wait for a batch window.
    public var batchDelivery: (@Sendable (TemplatedMail) async throws -> MailReceipt)?

    public init(transport: any MailTransport, from: MailAddress, templates: MessageTemplates) {
        self.transport = transport
        self.from = from
        self.templates = templates
    }

    /// Registers the three job types on `queues` (default `email_queue`).
    public func register(in registry: inout JobRegistry, queues: Set<String> = [EmailService.queue]) {
        let service = self
        registry.register(
            JobDefinition<SendEmailArguments>(name: "send_email", timeout: self.timeout, retryPolicy: self.retryPolicy, dependencies: [Self.dependency]),
            queues: queues
        ) { arguments, context in
            if let batchDelivery = service.batchDelivery, let mail = try service.templatedMail(for: arguments) {
                return try await service.send(to: mail.to, context: context) { try await batchDelivery(mail) }
            }
            return try await service.send(try service.message(for: arguments), context: context)
        }
        registry.register(
            JobDefinition<SendVerificationCodeArguments>(
                name: "send_verification_code", timeout: self.timeout, retryPolicy: self.retryPolicy, dependencies: [Self.dependency]),
            queues: queues
        ) { arguments, context in
            try await service.send(try service.message(for: arguments), context: context)
        }
        registry.register(
            JobDefinition<SendWorkEmailVerificationArguments>(
                name: "send_work_email_verification", timeout: self.timeout, retryPolicy: self.retryPolicy, dependencies: [Self.dependency]),
            queues: queues
        ) { arguments, context in
            try await service.send(try service.message(for: arguments), context: context)
        }
    }

    // MARK: - Building messages (pure; permanent errors for bad input)

    func message(for arguments: SendEmailArguments) throws(JobError) -> MailMessage {
        let to = try Self.address(arguments.to, displayName: arguments.name, field: "to")
        let replyTo = try arguments.reply_to.map { (value: String) throws(JobError) in try Self.address(value, field: "reply_to") }
        let locale = try self.locale(arguments.locale)
        if let template = arguments.template {
            guard arguments.subject == nil, arguments.text == nil else {
                throw .permanent("invalid arguments: give either 'template' and 'vars' or 'subject' and 'text', not both")
            }
            var message = try self.render(template, locale: locale, vars: arguments.vars ?? [:], to: to)
            message.replyTo = replyTo
            return message
        }
        guard let subject = arguments.subject, let text = arguments.text else {
            throw .permanent("invalid arguments: missing 'template' (with 'vars') or 'subject' and 'text'")
        }
        return MailMessage(from: self.from, to: [to], replyTo: replyTo, subject: subject, text: text, html: arguments.html, date: self.now())
    }

    /// The checked mail of a templated `send_email` for the batcher, refusing what
    /// ``message(for:)-(SendEmailArguments)`` refuses before rendering; `nil` for a `subject`/`text` mail.
    /// (Values that break the headers once rendered are refused by the batch, for this job alone.)
    func templatedMail(for arguments: SendEmailArguments) throws(JobError) -> TemplatedMail? {
        guard let template = arguments.template else { return nil }
        let to = try Self.address(arguments.to, displayName: arguments.name, field: "to")
        let replyTo = try arguments.reply_to.map { (value: String) throws(JobError) in try Self.address(value, field: "reply_to") }
        let locale = try self.locale(arguments.locale)
        guard arguments.subject == nil, arguments.text == nil else {
            throw .permanent("invalid arguments: give either 'template' and 'vars' or 'subject' and 'text', not both")
        }
        let vars = arguments.vars ?? [:]
        try self.checkTemplate(template, locale: locale, vars: vars)
        let given = vars.filter { !$0.value.isBlank }
        for part in TemplateBatchRenderer.parts {
            if let needed = self.templates.requiredVariables(key: "\(locale)/\(template).\(part)") {
                try MessageTemplates.checkRequired(needed, given: given, name: template, locale: locale)
            }
        }
        return TemplatedMail(to: to, replyTo: replyTo, template: template, locale: locale, vars: vars)
    }

    func message(for arguments: SendVerificationCodeArguments) throws(JobError) -> MailMessage {
        let to = try Self.address(arguments.to, field: "to")
        try VerificationCode.validate(arguments.code)
        guard ["signup", "login"].contains(arguments.purpose) else {
            throw .permanent("invalid arguments: argument 'purpose' must be signup or login")
        }
        return try self.render("verification_code_\(arguments.purpose)", locale: try self.locale(arguments.locale), vars: ["code": .string(arguments.code)], to: to)
    }

    func message(for arguments: SendWorkEmailVerificationArguments) throws(JobError) -> MailMessage {
        let to = try Self.address(arguments.to, field: "to")
        if FreeMailDomains.contains(to.domain) {
            throw .permanent("refused: '\(to.domain)' is a free-mail or disposable domain, not a work email")
        }
        guard (4...12).contains(arguments.code.count), arguments.code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw .permanent("invalid arguments: argument 'code' must be 4 to 12 letters or digits")
        }
        var vars: [String: TemplateValue] = ["code": .string(arguments.code)]
        if let company = arguments.company_name {
            guard company.count <= 200 else { throw .permanent("invalid arguments: argument 'company_name' longer than 200 characters") }
            vars["company_name"] = .string(company)
        }
        return try self.render("work_email_verification", locale: try self.locale(arguments.locale), vars: vars, to: to)
    }

    /// Refuses oversized or deeply nested `vars` and a template without `subject` and `text` in `locale`.
    private func checkTemplate(_ template: String, locale: String, vars: [String: TemplateValue]) throws(JobError) {
        guard vars.count <= 200, vars.values.allSatisfy({ $0.depth <= 8 }) else {
            throw .permanent("invalid arguments: 'vars' too large or too deeply nested")
        }
        guard self.templates.contains(template, locale: locale, part: "subject"), self.templates.contains(template, locale: locale, part: "text") else {
            throw .permanent("unknown template '\(MessageTemplates.isValidName(template) ? template : "?")' for locale \(locale)")
        }
    }

    private func render(_ template: String, locale: String, vars: [String: TemplateValue], to: MailAddress) throws(JobError) -> MailMessage {
        try self.checkTemplate(template, locale: locale, vars: vars)
        let subject = try self.templates.render(template, locale: locale, part: "subject", vars: vars) ?? ""
        let text = try self.templates.render(template, locale: locale, part: "text", vars: vars) ?? ""
        let html = try self.templates.render(template, locale: locale, part: "html", vars: vars)
        return MailMessage(
            from: self.from, to: [to], subject: subject.trimmingCharacters(in: .whitespaces.union(.init(charactersIn: "\n"))),
            text: text, html: html, date: self.now())
    }

    private func locale(_ value: String?) throws(JobError) -> String {
        let locale = value ?? self.defaultLocale
        guard MessageTemplates.locales.contains(locale) else { throw .permanent("invalid arguments: argument 'locale' must be ko or en") }
        return locale
    }

    static func address(_ value: String, displayName: String? = nil, field: String) throws(JobError) -> MailAddress {
        do {
            return try MailAddress(value, displayName: displayName, field: field)
        } catch {
            throw .permanent(error.message)
        }
    }

    // MARK: - Sending (idempotent)

    /// Validates the message bytes, claims the sent marker, delivers, marks sent.
    func send(_ message: MailMessage, context: JobContext) async throws -> MailReceipt {
        do {
            _ = try message.render()  // header injection and size checks before anything is claimed
        } catch {
            throw JobError.permanent(error.message)
        }
        return try await self.send(to: message.to.first, context: context) { try await self.transport.deliver(message) }
    }

    /// Claims the sent marker, runs `deliver`, marks sent (or releases the claim and maps the failure).
    func send(to recipient: MailAddress?, context: JobContext, deliver: () async throws -> MailReceipt) async throws -> MailReceipt {
        let marker = SentMarker(redis: context.redis)
        switch try await marker.claim(context, claimFor: self.timeout + .seconds(30)) {
        case .alreadySent(let id):
            context.logger.info("email already sent by an earlier delivery; not sending again")
            return MailReceipt(message_id: id, transport: "already_sent")
        case .inProgress:
            throw JobError.transient("another delivery of this job is sending it", retryAfter: self.timeout)
        case .claimed:
            break
        }
        do {
            let receipt = try await deliver()
            await marker.markSent(context, detail: receipt.message_id)
            context.logger.info("email sent", metadata: ["email.to": "\(recipient?.masked ?? "-")", "email.transport": "\(receipt.transport)"])
            return receipt
        } catch {
            await marker.release(context)
            throw Self.jobError(error)
        }
    }

    /// Maps a transport failure to what the engine does with the job.
    public static func jobError(_ error: any Error) -> JobError {
        switch error {
        case let error as JobError: return error
        case let error as SMTPError:
            if error.isConnectionFailure { return DependencyFailure.make(Self.dependency, error.message) }
            return error.isTransient ? .transient(error.message) : .permanent(error.message)
        case let error as SMTPProtocolError: return .permanent(error.message)
        case is CancellationError: return .transient("cancelled")
        default: return .transient("mail transport failed: \(error)")
        }
    }
}
