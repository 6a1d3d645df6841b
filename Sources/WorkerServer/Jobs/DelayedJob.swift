import Foundation
import JobEngine

/// A job waiting on `{queue}:delayed` for its next attempt: one row of
/// `GET /api/queues/{queue}/delayed` and part of a job lookup.
public struct DelayedJob: Codable, Sendable, Hashable {
    /// When it goes back on the stream, ms since the epoch.
    public var dueAt: Int64
    /// The job's ID (`job_id` field), `nil` when the member is not a field list.
    public var jobID: String?
    /// The job's type from `job_data`: `(encrypted)` for an encrypted payload, `nil` when unreadable.
    public var type: String?
    /// The attempt it will run as.
    public var attempt: Int?
    /// The error of the attempt that failed (or why a policy deferred it).
    public var lastError: String?

    /// The longest member parsed; longer ones are reported without their fields.
    public static let maximumMemberBytes = 2 << 20

    /// Parses one member of the delayed set (a JSON array of field, value, ...) and its score.
    /// Never fails: what cannot be read is left `nil`.
    public init(member: String, score: Double) {
        self.dueAt = score.isFinite && abs(score) < 9e15 ? Int64(score) : 0
        guard member.utf8.count <= Self.maximumMemberBytes,
            let array = try? JSONSerialization.jsonObject(with: Data(member.utf8)) as? [Any],
            array.count % 2 == 0
        else { return }
        var fields: [String: String] = [:]
        var index = 0
        while index + 1 < array.count {
            if let key = array[index] as? String, let value = array[index + 1] as? String { fields[key] = value }
            index += 2
        }
        self.jobID = fields[JobEnvelope.Field.jobID]
        self.attempt = fields[JobEnvelope.Field.attempt].flatMap { Int($0) }
        self.lastError = fields["last_error"]
        self.type = fields[JobEnvelope.Field.jobData].flatMap(Self.jobType)
    }

    /// The `type` of a `job_data` value, `(encrypted)` for `enc:` payloads, `nil` when unreadable.
    static func jobType(_ jobData: String) -> String? {
        if jobData.hasPrefix("enc:") { return "(encrypted)" }
        guard jobData.utf8.count <= Self.maximumMemberBytes,
            let object = try? JSONSerialization.jsonObject(with: Data(jobData.utf8)) as? [String: Any],
            let type = object["type"] as? String
        else { return nil }
        return String(type.prefix(128))
    }
}
