/// The client side of the SASL mechanisms SMTP servers offer (RFC 4954): PLAIN and LOGIN.
public enum SASL {
    /// PLAIN (RFC 4616): base64 of `\0username\0password`.
    public static func plain(username: String, password: String) -> String {
        Base64.encode([0] + Array(username.utf8) + [0] + Array(password.utf8))
    }

    /// LOGIN: the username and the password, each base64 on its own line, after `334` prompts.
    public static func login(_ value: String) -> String {
        Base64.encode(Array(value.utf8))
    }
}
