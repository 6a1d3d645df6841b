import JobEngine
import RedisClient

/// Makes a side effect (an email, an SMS) happen at most once per job, across redeliveries.
///
/// Before sending, the handler claims `{queue}:sent:<job id>` with `SET NX` and a short expiry
/// (`sending`); after the provider accepted the message it becomes `sent` for ``retention``. A
/// redelivered job that finds `sent` succeeds without sending again; one that finds `sending`
/// (another worker is in the middle of it, or crashed mid-send) is retried after the claim expires.
/// A failed send releases the claim so the retry can send.
///
/// The window this cannot close: a worker that dies after the provider accepted the message but
/// before the marker is written; the redelivery sends a second copy (at-least-once).
public struct SentMarker: Sendable {
    /// What the claim found.
    public enum Claim: Sendable, Equatable {
        /// Nobody sent it: go ahead.
        case claimed
        /// Already sent by an earlier delivery of the same job.
        case alreadySent(String)
        /// Another delivery is sending it now (or died while sending).
        case inProgress
    }

    public let redis: RedisClient
    /// How long a `sent` marker is kept (default 7 days: longer than any retry schedule).
    public var retention: Duration = .seconds(7 * 86_400)

    public init(redis: RedisClient) {
        self.redis = redis
    }

    /// The marker key of a job; shares the queue's hash slot.
    public static func key(queue: String, jobID: String) -> String { "{\(queue)}:sent:\(jobID)" }

    /// Claims the send for `context`'s job for `claimFor` (the job's timeout plus a margin).
    public func claim(_ context: JobContext, claimFor: Duration) async throws(JobError) -> Claim {
        let key = Self.key(queue: context.queue, jobID: context.jobID)
        do {
            let reply = try await self.redis.send("SET", key, "sending", "NX", "PX", String(max(1000, claimFor.milliseconds)), "GET")
            guard let previous = reply.string else { return .claimed }
            if previous.hasPrefix("sent") { return .alreadySent(String(previous.dropFirst(5))) }
            return .inProgress
        } catch {
            throw .transient("sent marker unavailable: \(error)")
        }
    }

    /// Records that the message went out; `detail` (a message or provider id) is kept with it.
    public func markSent(_ context: JobContext, detail: String) async {
        let key = Self.key(queue: context.queue, jobID: context.jobID)
        // Best effort: if this fails the worst case is one duplicate on a redelivery.
        _ = try? await self.redis.send("SET", key, "sent:" + detail, "PX", String(self.retention.milliseconds))
    }

    /// Releases the claim after a failed send so a retry can send.
    public func release(_ context: JobContext) async {
        let key = Self.key(queue: context.queue, jobID: context.jobID)
        _ = try? await self.redis.send("DEL", key)
    }
}
