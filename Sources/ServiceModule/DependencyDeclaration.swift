/// An external dependency that gets its own circuit breaker (`smtp`, `sms:nhn`, `clamd`...).
public struct DependencyDeclaration: Sendable, Hashable {
    /// The name handlers list in their definitions' `dependencies`.
    public let name: String
    /// One line for the docs.
    public let summary: String

    /// Declares a dependency.
    public init(_ name: String, summary: String) {
        self.name = name
        self.summary = summary
    }
}
