/// A job type a module owns: its `type` name and the queue it arrives on.
public struct JobTypeDeclaration: Sendable, Hashable {
    /// The `type` in `job_data`.
    public let name: String
    /// The queue it is accepted on (``anyQueue``: every queue).
    public let queue: String

    /// The ``queue`` of a type accepted on every queue.
    public static let anyQueue = "*"
    /// One line for the docs.
    public let summary: String

    /// Declares a job type.
    public init(_ name: String, queue: String, summary: String) {
        self.name = name
        self.queue = queue
        self.summary = summary
    }
}
