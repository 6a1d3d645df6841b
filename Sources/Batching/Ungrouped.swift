/// The key of a ``RequestBatcher`` whose items all share one batch whatever they are.
public struct Ungrouped: Hashable, Sendable {
    /// The one key.
    public init() {}
}
