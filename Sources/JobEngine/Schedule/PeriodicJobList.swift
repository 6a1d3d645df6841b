import Foundation

/// Parses `BLUEPRINT_PERIODIC`: a JSON array of periodic jobs.
///
/// ```json
/// [{"name": "nightly_report", "cron": "0 3 * * *", "time_zone": "Asia/Seoul",
///   "queue": "email_queue", "job": {"type": "send_report", "period": "daily"},
///   "user_id": "ops", "missed": "catch_up", "catch_up_max": 3}]
/// ```
///
/// Required: `name`, `cron`, `queue`, `job` (an object with a string `type`). Optional:
/// `time_zone` (IANA name, default `Asia/Seoul`), `user_id`, `missed` (`skip`, the default, or
/// `catch_up`), `catch_up_max` (1...1000, default 10). Unknown keys are errors (a typo would
/// otherwise be ignored silently).
public enum PeriodicJobList {
    /// Most entries accepted.
    public static let maximumEntries = 1000
    /// Largest setting accepted (bytes).
    public static let maximumBytes = 1 << 20
    /// Largest `job` object (bytes of JSON).
    public static let maximumJobBytes = 64 * 1024

    private static let knownKeys: Set<String> = [
        "name", "cron", "time_zone", "queue", "job", "user_id", "missed", "catch_up_max",
    ]

    /// Every entry of `text`, or every problem found (one line each, naming the entry).
    public static func parse(_ text: String) -> Result<[PeriodicJob], PeriodicSettingsError> {
        guard text.utf8.count <= Self.maximumBytes else {
            return .failure(PeriodicSettingsError(["is larger than \(Self.maximumBytes) bytes"]))
        }
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [])
        } catch {
            return .failure(PeriodicSettingsError(["is not valid JSON (expected an array of objects)"]))
        }
        guard let array = root as? [Any] else {
            return .failure(PeriodicSettingsError(["must be a JSON array of objects"]))
        }
        guard array.count <= Self.maximumEntries else {
            return .failure(PeriodicSettingsError(["has more than \(Self.maximumEntries) entries"]))
        }
        var jobs: [PeriodicJob] = []
        var problems: [String] = []
        var names = Set<String>()
        for (index, element) in array.enumerated() {
            switch Self.entry(element, index: index) {
            case .success(let job):
                if !names.insert(job.name).inserted {
                    problems.append("entry \(index + 1) (\(job.name)): the name is used twice")
                } else {
                    jobs.append(job)
                }
            case .failure(let error):
                problems += error.problems
            }
        }
        return problems.isEmpty ? .success(jobs) : .failure(PeriodicSettingsError(problems))
    }

    private static func entry(_ element: Any, index: Int) -> Result<PeriodicJob, PeriodicSettingsError> {
        var label = "entry \(index + 1)"
        guard let object = element as? [String: Any] else {
            return .failure(PeriodicSettingsError(["\(label) is not an object"]))
        }
        var problems: [String] = []
        func fail(_ message: String) { problems.append("\(label): \(message)") }
        let unknown = object.keys.filter { !Self.knownKeys.contains($0) }.sorted()
        for key in unknown.prefix(3) { fail("unknown key \(CronSyntaxError.quote(key))") }

        let name = object["name"] as? String ?? ""
        if name.isEmpty || name.utf8.count > 64 || !name.unicodeScalars.allSatisfy(Self.isNameCharacter) {
            fail("name must be 1...64 characters of A-Z a-z 0-9 _ . -")
        } else {
            label += " (\(name))"
        }
        var schedule: CronExpression?
        if let cron = object["cron"] as? String {
            do { schedule = try CronExpression(parsing: cron) } catch { fail(error.message) }
        } else {
            fail("cron must be a string like \"0 3 * * *\"")
        }
        var timeZone = TimeZone(identifier: PeriodicJob.defaultTimeZone)
        if let value = object["time_zone"] {
            if let identifier = value as? String, identifier.utf8.count <= 64,
                let zone = TimeZone(identifier: identifier)
            {
                timeZone = zone
            } else {
                fail("time_zone must be an IANA zone name like Asia/Seoul or America/New_York")
            }
        }
        let queue = object["queue"] as? String ?? ""
        if queue.isEmpty || queue.utf8.count > 128
            || queue.contains(where: { $0 == "{" || $0 == "}" || $0.isWhitespace })
        {
            fail("queue must be a queue name (no braces or spaces)")
        }
        var jobData = ""
        var type = ""
        if let job = object["job"] as? [String: Any], let jobType = job["type"] as? String, !jobType.isEmpty,
            jobType.utf8.count <= 128,
            let data = try? JSONSerialization.data(
                withJSONObject: job, options: [.sortedKeys, .withoutEscapingSlashes])
        {
            if data.count > Self.maximumJobBytes {
                fail("job is larger than \(Self.maximumJobBytes) bytes")
            }
            jobData = String(decoding: data, as: UTF8.self)
            type = jobType
        } else {
            fail("job must be an object with a string \"type\", like {\"type\": \"canary\"}")
        }
        var userID: String?
        if let value = object["user_id"] {
            if let text = value as? String, !text.isEmpty, text.utf8.count <= 256 {
                userID = text
            } else {
                fail("user_id must be a non-empty string")
            }
        }
        var missed = MissedTickPolicy.skip
        let limitValue = object["catch_up_max"]
        var limit = 10
        if let limitValue {
            if let number = limitValue as? Int, !(limitValue is Bool), (1...1000).contains(number) {
                limit = number
            } else {
                fail("catch_up_max must be an integer in 1...1000")
            }
        }
        switch object["missed"].map({ $0 as? String }) {
        case nil, "skip"?:
            if limitValue != nil { fail("catch_up_max needs \"missed\": \"catch_up\"") }
        case "catch_up"?: missed = .catchUp(limit: limit)
        default: fail("missed must be \"skip\" or \"catch_up\"")
        }
        guard problems.isEmpty, let schedule, let timeZone else { return .failure(PeriodicSettingsError(problems)) }
        var job = PeriodicJob(
            name: name, schedule: schedule, timeZone: timeZone, queue: queue, jobData: jobData, type: type,
            userID: userID,
            missedTicks: missed)
        job.timeZoneName = object["time_zone"] as? String ?? PeriodicJob.defaultTimeZone
        return .success(job)
    }

    private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", ".", "-": true
        default: false
        }
    }
}

/// Problems of a `BLUEPRINT_PERIODIC` value, one line each (without the setting's name).
public struct PeriodicSettingsError: Error, Sendable, Hashable {
    /// One line per problem.
    public let problems: [String]

    init(_ problems: [String]) {
        self.problems = problems
    }
}
