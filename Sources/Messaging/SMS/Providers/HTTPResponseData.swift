/// A provider's answer.
public struct HTTPResponseData: Sendable {
    public let status: Int
    public let headers: [(String, String)]
    public let body: [UInt8]

    /// First value of `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        self.headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}
