/// A network-level failure (never an HTTP status).
public struct HTTPTransportError: Error, Sendable, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { self.message }
}
