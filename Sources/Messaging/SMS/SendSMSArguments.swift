/// Arguments of `send_sms`: `to`, and `text` or `template` + `vars` (optional `locale`, `subject` for LMS).
public struct SendSMSArguments: Decodable, Sendable {
    public var to: String
    public var text: String?
    public var template: String?
    public var vars: [String: TemplateValue]?
    public var locale: String?
    public var subject: String?
}
