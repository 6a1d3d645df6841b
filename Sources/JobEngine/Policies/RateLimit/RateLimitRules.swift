/// Which job types are limited, by which ``RateLimit`` (`BLUEPRINT_USER_LIMITS`).
///
/// Job types map to actions (`send_email` -> `email`); a rule named like a job type (`canary=7/1h`)
/// applies to that type directly and wins over its action's rule.
public struct RateLimitRules: Sendable, Hashable {
    /// Limits by action or job type name.
    public var limits: [String: RateLimit]
    /// Action of each job type.
    public var actions: [String: String]

    /// The catalog's mapping (DESIGN.md section 2).
    public static let defaultActions: [String: String] = [
        "send_email": "email", "send_verification_code": "email", "send_work_email_verification": "email",
        "send_sms": "sms", "send_sms_code": "sms",
        "process_document": "upload", "optimize_image": "upload",
    ]

    /// Product defaults: email 10 per hour, SMS 5 per day, uploads 10 MB per day, per user.
    public static let `default` = RateLimitRules(
        limits: ["email": .email, "sms": .sms, "upload": .upload], actions: defaultActions)

    public init(limits: [String: RateLimit], actions: [String: String] = RateLimitRules.defaultActions) {
        self.limits = limits
        self.actions = actions
    }

    /// The defaults changed by `name=N/period` entries (`email=20/1h,sms=off,canary=10/1h`).
    /// `off` removes a rule; an empty text keeps the defaults.
    public init(parsing text: String) throws(RateLimitSettingError) {
        self = .default
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
