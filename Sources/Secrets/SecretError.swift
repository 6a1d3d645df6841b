/// A secret that could not be read. The message names the setting, the file path or the Vault
/// path and status, never the secret value or a token.
public struct SecretError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable { case file, vault, configuration }
    private let code: Code
    /// Safe for logs and error output.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    static func file(_ message: String) -> SecretError { SecretError(.file, message) }
    static func vault(_ message: String) -> SecretError { SecretError(.vault, message) }
    static func configuration(_ message: String) -> SecretError { SecretError(.configuration, message) }

    public var description: String { self.message }
}
