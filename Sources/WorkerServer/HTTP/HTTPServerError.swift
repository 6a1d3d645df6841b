/// The HTTP server could not start.
public struct HTTPServerError: Error, CustomStringConvertible {
    /// What went wrong, naming the address and settings.
    public let message: String
    public var description: String { self.message }
}
