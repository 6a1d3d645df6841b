import SMTPProtocol

/// A templated `send_email` whose arguments were checked, waiting to be rendered with the others
/// of its batch (``TemplateBatcher``).
public struct TemplatedMail: Sendable {
    /// The recipient (display name included).
    public var to: MailAddress
    public var replyTo: MailAddress?
    /// A template name known to have `subject` and `text` parts in ``locale``.
    public var template: String
    /// `ko` or `en`.
    public var locale: String
    /// The job's variables (size and depth already checked).
    public var vars: [String: TemplateValue]

    public init(
        to: MailAddress, replyTo: MailAddress? = nil, template: String, locale: String, vars: [String: TemplateValue]
    ) {
        self.to = to
        self.replyTo = replyTo
        self.template = template
        self.locale = locale
        self.vars = vars
    }
}
