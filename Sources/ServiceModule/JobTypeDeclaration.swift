import JobEngine

/// A job type a module owns: its `type` name, the queue it arrives on and its default lane.
public struct JobTypeDeclaration: Sendable, Hashable {
    /// The `type` in `job_data`.
    public let name: String
    /// The queue it is accepted on (``anyQueue``: every queue).
    public let queue: String

    /// The ``queue`` of a type accepted on every queue.
    public static let anyQueue = "*"
    /// One line for the docs.
    public let summary: String
    /// The lane producers put it in unless they choose one (`critical`: a user waits on it;
    /// `bulk`: notifications and fan-out).
    public let priority: JobPriority

    /// Declares a job type.
    public init(_ name: String, queue: String, priority: JobPriority = .default, summary: String) {
        self.name = name
        self.queue = queue
        self.priority = priority
        self.summary = summary
    }
}
