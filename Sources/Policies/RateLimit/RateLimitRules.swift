/// Which job types are limited, by which ``RateLimit`` (`BLUEPRINT_USER_LIMITS`).
///
/// Job types map to actions (`send_email` -> `email`; each service module declares its actions,
/// their defaults and the job types they count); a rule named like a job type (`canary=7/1h`)
/// applies to that type directly and wins over its action's rule.
public struct RateLimitRules: Sendable, Hashable {
    /// Limits by action or job type name.
    public var limits: [String: RateLimit]
    /// Action of each job type.
    public var actions: [String: String]

    public init(limits: [String: RateLimit], actions: [String: String]) {
        self.limits = limits
        self.actions = actions
    }

    /// `base` (the modules' declared defaults) changed by `name=N/period` entries
    /// (`email=20/1h,sms=off,canary=10/1h`). `off` removes a rule; an empty text keeps `base`.
    public init(parsing text: String, base: RateLimitRules) throws(RateLimitSettingError) {
        self = base
        for entry in text.split(separator: ",", omittingEmptySubsequences: true) {
            let trimmed = entry.trimmingCharacters(in: .whitespaces)
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw RateLimitSettingError("'\(trimmed.prefix(40))' is not name=N/period")
            }
            let name = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.utf8.count <= 64,
                  name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." })
            else { throw RateLimitSettingError("'\(name.prefix(40))' is not a valid action name") }
            let value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.lowercased() == "off" {
                self.limits[name] = nil
            } else {
                self.limits[name] = try RateLimit(action: name, parsing: value)
            }
        }
    }

    /// The limit that applies to `type`, if any.
    public func limit(forJobType type: String) -> RateLimit? {
        if let own = self.limits[type] { return own }
        return self.actions[type].flatMap { self.limits[$0] }
    }
}
