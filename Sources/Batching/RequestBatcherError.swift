/// A ``RequestBatcher`` could not answer a caller: it has stopped, or its worker returned no
/// answer for the caller's item.
///
/// Carries no item and no answer, so it is safe in logs and job results.
public struct RequestBatcherError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case stopped, noAnswer
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    /// The batcher has stopped (its `run()` returned or is shutting down): no item is taken any more.
    public static let stopped = RequestBatcherError(.stopped)
    /// The worker returned fewer answers than the batch had items.
    public static let noAnswer = RequestBatcherError(.noAnswer)

    /// A short, fixed text (safe for a metric label).
    public var shortDescription: String {
        switch self.code {
        case .stopped: "batcher_stopped"
        case .noAnswer: "no_answer"
        }
    }

    public var description: String {
        switch self.code {
        case .stopped: "the batcher has stopped"
        case .noAnswer: "the batch returned no answer for this item"
        }
    }
}
