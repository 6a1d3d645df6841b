/// Arguments of `send_email`: `to`, and either `template` + `vars` or `subject` + `text`
/// (optional `html`), with optional `locale` (ko, en), `reply_to` and `name` (recipient's display name).
public struct SendEmailArguments: Decodable, Sendable {
    public var to: String
    public var template: String?
    public var vars: [String: TemplateValue]?
    public var subject: String?
    public var text: String?
    public var html: String?
    public var locale: String?
    public var reply_to: String?
    public var name: String?
}
