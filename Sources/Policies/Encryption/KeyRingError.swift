/// A key ring that cannot be used. Messages name the key id or position, never key material.
public struct KeyRingError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable { case empty, malformedEntry, invalidKeyID, duplicateKeyID, invalidBase64, wrongKeyLength }
    private let code: Code
    /// A message safe for logs and error output.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    static let empty = KeyRingError(.empty, "the key ring has no keys; expected kid1:base64key[,kid2:base64key...]")
    static func malformedEntry(position: Int) -> KeyRingError {
        KeyRingError(.malformedEntry, "entry \(position) is not kid:base64key")
    }
    static func invalidKeyID(position: Int) -> KeyRingError {
        KeyRingError(.invalidKeyID, "entry \(position) has an invalid key id (1 to 64 of A-Z a-z 0-9 . _ -)")
    }
    static func duplicateKeyID(_ id: String) -> KeyRingError {
        KeyRingError(.duplicateKeyID, "key id '\(id)' appears twice")
    }
    static func invalidBase64(id: String) -> KeyRingError {
        KeyRingError(.invalidBase64, "key '\(id)' is not standard base64")
    }
    static func wrongKeyLength(id: String, bytes: Int) -> KeyRingError {
        KeyRingError(.wrongKeyLength, "key '\(id)' is \(bytes) bytes; AES-256 needs exactly 32")
    }

    public var description: String { self.message }
}
