/// Arguments of `send_sms_code`: `to`, `code` (exactly 6 digits, ``VerificationCode``), `purpose` (signup, login, phone,
/// password_reset), optional `locale`.
public struct SendSMSCodeArguments: Decodable, Sendable {
    public var to: String
    public var code: String
    public var purpose: String
    public var locale: String?
}
