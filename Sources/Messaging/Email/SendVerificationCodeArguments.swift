/// Arguments of `send_verification_code`: `to`, `code` (exactly 6 digits, ``VerificationCode``), `purpose` (signup, login), optional `locale`.
public struct SendVerificationCodeArguments: Decodable, Sendable {
    public var to: String
    public var code: String
    public var purpose: String
    public var locale: String?
}
