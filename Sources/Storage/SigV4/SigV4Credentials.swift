/// An access key pair for AWS Signature Version 4. Its descriptions never show the secret.
public struct SigV4Credentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The access key id (not secret; it appears in every `Authorization` header).
    public let accessKeyId: String
    /// The secret access key: signs requests, never sent, logged or put in an error.
    public let secretAccessKey: String

    /// Creates credentials.
    public init(accessKeyId: String, secretAccessKey: String) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
    }

    public var description: String { "SigV4Credentials(\(self.accessKeyId), secret: <redacted>)" }
    public var debugDescription: String { self.description }
}
