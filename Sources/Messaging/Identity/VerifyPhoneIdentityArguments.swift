/// Arguments of `verify_phone_identity` (the `pass` shape, docs/phone-identity.md):
/// `provider` ("pass"), `request_id` (what the server created when the user started), `token`
/// (the provider's sealed result) and `integrity` (its MAC).
public struct VerifyPhoneIdentityArguments: Decodable, Sendable {
    public var provider: String
    public var request_id: String
    public var token: String
    public var integrity: String
}
