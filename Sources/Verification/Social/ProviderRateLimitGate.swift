import Foundation
import Synchronization

/// Remembers, per provider, until when its API asked us to stop (a rate limit on the app's
/// credentials), so the other jobs of this worker wait too instead of each spending a call and
/// an attempt on a certain 429.
///
/// Only lookups made with the app's credentials pass through it: a user's token has its own limit.
public final class ProviderRateLimitGate: Sendable {
    private let pausedUntil = Mutex<[SocialProvider: Date]>([:])

    /// An open gate.
    public init() {}

    /// Records that `provider` asked to wait `retryAfter` from `now`.
    public func pause(_ provider: SocialProvider, for retryAfter: Duration, now: Date) {
        let until = now.addingTimeInterval(Double(retryAfter.components.seconds))
        self.pausedUntil.withLock { paused in
            if let current = paused[provider], current >= until { return }
            paused[provider] = until
        }
    }

    /// The wait left for `provider` at `now`, or `nil` when calls may go.
    public func remainingPause(_ provider: SocialProvider, now: Date) -> Duration? {
        self.pausedUntil.withLock { paused in
            guard let until = paused[provider] else { return nil }
            let left = until.timeIntervalSince(now)
            if left <= 0 {
                paused[provider] = nil
                return nil
            }
            return .seconds(max(1, Int64(left.rounded(.up))))
        }
    }
}
