/// What a caller of ``RequestBatcher/submit(_:key:)`` gets when its task is cancelled after its
/// batch has been handed to the worker.
///
/// A caller cancelled while its item still waits for the window always leaves the batch at once
/// with `CancellationError`; this only decides the case where the work may already be under way.
public enum InFlightCancellation: Sendable, Hashable {
    /// The caller keeps waiting for its own answer: the work may have an effect the caller must
    /// learn about (a mail the server accepted must not be sent again by a retry).
    case awaitAnswer
    /// The caller is answered with `CancellationError` at once; its answer is dropped when it
    /// comes (a read with no effect, e.g. a lookup).
    case answerAtOnce
}
