import Foundation
import JobEngine
import SMTPProtocol

/// Turns a batch of ``TemplatedMail`` into messages, rendering each template once per shape
/// (template, locale, and which variables are given; see ``MessageTemplates/compiledShape(_:locale:parts:vars:)``)
/// and substituting only the per-recipient values per message. Pure: no I/O, no clock (the
/// `Date:` is given).
///
/// A mail whose template or values cannot be compiled is rendered in full on its own, exactly as
/// an unbatched job would be; a mail that fails to render fails alone.
public struct TemplateBatchRenderer: Sendable {
    static let parts = ["subject", "text", "html"]

    public let templates: MessageTemplates
    /// The `From:` of every message.
    public let from: MailAddress

    public init(templates: MessageTemplates, from: MailAddress) {
        self.templates = templates
        self.from = from
    }

    /// The messages of `mails`, in order, and how many Mustache renderings of a whole template
    /// (all its parts) they took.
    public func render(_ mails: [TemplatedMail], date: Int64) -> (
        messages: [Result<MailMessage, JobError>], renders: Int
    ) {
        var compiled: [String: Result<[String: CompiledTemplatePart], JobError>] = [:]
        var renders = 0
        var messages: [Result<MailMessage, JobError>] = []
        messages.reserveCapacity(mails.count)
        for mail in mails {
            guard
                let shape = self.templates.compiledShape(
                    mail.template, locale: mail.locale, parts: Self.parts, vars: mail.vars)
            else {
                renders += 1
                messages.append(Result { () throws(JobError) in try self.renderInFull(mail, date: date) })
                continue
            }
            let parts: Result<[String: CompiledTemplatePart], JobError>
            if let known = compiled[shape] {
                parts = known
            } else {
                renders += 1
                parts = Result { () throws(JobError) in try self.compile(mail) }
                compiled[shape] = parts
            }
            messages.append(
                parts.flatMap { parts in
                    // The shape says which variables are given; the values are this mail's own.
                    // A missing required variable was refused when compiling (same shape, same outcome).
                    var values: [String: String] = [:]
                    for (name, value) in mail.vars { if case .string(let text) = value { values[name] = text } }
                    let subject = parts["subject"]?.fill(values) ?? ""
                    return .success(
                        self.message(
                            mail, subject: subject, text: parts["text"]?.fill(values) ?? "",
                            html: parts["html"]?.fill(values), date: date))
                })
        }
        return (messages, renders)
    }

    /// A mail rendered by the template engine alone (what an unbatched job does).
    func renderInFull(_ mail: TemplatedMail, date: Int64) throws(JobError) -> MailMessage {
        let subject =
            try self.templates.render(mail.template, locale: mail.locale, part: "subject", vars: mail.vars) ?? ""
        let text = try self.templates.render(mail.template, locale: mail.locale, part: "text", vars: mail.vars) ?? ""
        let html = try self.templates.render(mail.template, locale: mail.locale, part: "html", vars: mail.vars)
        return self.message(mail, subject: subject, text: text, html: html, date: date)
    }

    private func compile(_ mail: TemplatedMail) throws(JobError) -> [String: CompiledTemplatePart] {
        var parts: [String: CompiledTemplatePart] = [:]
        for part in Self.parts {
            parts[part] = try self.templates.compile(mail.template, locale: mail.locale, part: part, vars: mail.vars)
        }
        guard parts["subject"] != nil, parts["text"] != nil else {
            throw .permanent(
                "unknown template '\(MessageTemplates.isValidName(mail.template) ? mail.template : "?")' for locale \(mail.locale)"
            )
        }
        return parts
    }

    private func message(_ mail: TemplatedMail, subject: String, text: String, html: String?, date: Int64)
        -> MailMessage
    {
        MailMessage(
            from: self.from, to: [mail.to], replyTo: mail.replyTo,
            subject: subject.trimmingCharacters(in: .whitespaces.union(.init(charactersIn: "\n"))), text: text,
            html: html, date: date)
    }
}
