import Batching
import ServiceLifecycle

/// Collects the GitHub handle lookups that arrive within a short window (or until a batch is
/// full) and answers them with one call, so N waiting jobs cost one GraphQL request instead of N
/// REST requests.
///
/// The gathering is a ``RequestBatcher`` (windows, sizes, cancellation, shutdown): a window opens
/// with the first waiting lookup and closes after ``window`` on the injected clock, or at once
/// when ``maximumBatch`` lookups wait; ``run()`` (a `Service`) owns the timers and the calls.
/// The same handle asked twice in one batch is fetched once.
///
/// Cancellation-safe: a cancelled caller is removed from its batch (or, if the call is already
/// out, answered at once with `CancellationError`; the call's answer is dropped). On shutdown
/// the waiting lookups are sent at once; lookups after it fail with ``SocialAPIError/Kind/unavailable``.
public final class GitHubLookupBatcher<C: Clock>: Service, Sendable where C.Duration == Duration {
    /// Fetches the users of one batch (keys: ``SocialHandle/normalized``).
    public typealias Fetch = @Sendable ([SocialHandle]) async throws(SocialAPIError) -> [String: SocialLookup]

    /// How long the first lookup of a batch waits for others.
    public var window: Duration { self.batcher.window }
    /// Most handles in one call (GitHub's GraphQL node limits leave room for far more than 50).
    public var maximumBatch: Int { self.batcher.maximumBatch }
    private let batcher: RequestBatcher<Ungrouped, SocialHandle, SocialLookup, C>

    /// Creates a batcher; nothing is sent until ``run()`` runs.
    public init(window: Duration = .milliseconds(15), maximumBatch: Int = 50, clock: C, fetch: @escaping Fetch) {
        precondition(maximumBatch >= 1)
        self.batcher = RequestBatcher(
            window: window, maximumBatch: maximumBatch, clock: clock, inFlightCancellation: .answerAtOnce,
            stoppedError: { SocialAPIError.unavailable(.github, "the lookup batcher has stopped") }
        ) { _, handles in
            try await Self.lookUp(handles, fetch: fetch)
        }
    }

    /// Lookups waiting for their batch to leave (for tests and metrics).
    public var waitingCount: Int { self.batcher.waitingCount }

    /// Looks `handle` up with the next batch.
    public func lookup(_ handle: SocialHandle) async throws -> SocialLookup {
        try await self.batcher.submit(handle)
    }

    /// Runs the windows and the calls until the graceful shutdown (or cancellation), then sends
    /// what still waits and returns when every call has been answered.
    public func run() async throws {
        try await self.batcher.run()
    }

    /// One call for the distinct handles of a batch; one answer per handle asked, in order.
    private static func lookUp(_ handles: [SocialHandle], fetch: Fetch) async throws -> [Result<SocialLookup, any Error>] {
        var unique: [SocialHandle] = []
        var seen: Set<String> = []
        for handle in handles where seen.insert(handle.normalized).inserted { unique.append(handle) }
        let results = try await fetch(unique)
        return handles.map { handle in
            if let lookup = results[handle.normalized] { return .success(lookup) }
            return .failure(SocialAPIError.badResponse(.github, "no answer for one of the batched users"))
        }
    }
}
