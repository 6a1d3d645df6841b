import Foundation

/// A periodic job as the admin API shows it (`GET /api/periodic`).
public struct PeriodicJobStatus: Sendable, Codable, Equatable {
    public var name: String
    /// The cron expression as written.
    public var cron: String
    /// IANA zone the cron fields are read in.
    public var timeZone: String
    public var queue: String
    public var type: String
    /// `skip` or `catch_up`.
    public var missed: String
    /// The catch-up cap (`catch_up` only).
    public var catchUpMax: Int?
    /// Next tick, ms since the epoch; `nil` when it never fires again.
    public var nextRun: Int64?
    /// ``nextRun`` as ISO 8601 in the job's zone.
    public var nextRunLocal: String?
    /// Newest tick handled by any worker (enqueued, or dropped as missed), ms since the epoch.
    public var lastTick: Int64?
    /// ``lastTick`` as ISO 8601 in the job's zone.
    public var lastTickLocal: String?

    /// The status of `job`.
    public init(job: PeriodicJob, nextRun: Int64?, lastTick: Int64?) {
        self.name = job.name
        self.cron = job.schedule.source
        self.timeZone = job.timeZoneName
        self.queue = job.queue
        self.type = job.type
        self.missed = job.missedTicks.name
        if case .catchUp(let limit) = job.missedTicks { self.catchUpMax = limit }
        self.nextRun = nextRun
        self.lastTick = lastTick
        self.nextRunLocal = nextRun.map { Self.iso($0, job.timeZone) }
        self.lastTickLocal = lastTick.map { Self.iso($0, job.timeZone) }
    }

    static func iso(_ milliseconds: Int64, _ zone: TimeZone) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000))
    }
}
