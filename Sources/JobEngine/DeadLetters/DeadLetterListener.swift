/// Told about every job the engine dead-letters (alerts, audit); must not block.
public protocol DeadLetterListener: Sendable {
    /// A job of `type` on `queue` went to the dead letters with `error` (never a payload).
    func deadLettered(queue: String, type: String, error: String)
}
