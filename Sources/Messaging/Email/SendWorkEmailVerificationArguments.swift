/// Arguments of `send_work_email_verification`: `to`, `code`, optional `company_name` and `locale`.
/// Refused for free-mail and disposable domains (``FreeMailDomains``).
public struct SendWorkEmailVerificationArguments: Decodable, Sendable {
    public var to: String
    public var code: String
    public var company_name: String?
    public var locale: String?
}
