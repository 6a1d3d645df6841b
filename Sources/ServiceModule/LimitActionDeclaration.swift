/// A per-user limit action (`email`, `sms`, `upload`): the job types it counts and its default.
public struct LimitActionDeclaration: Sendable, Hashable {
    /// The action name used in `BLUEPRINT_USER_LIMITS` (`email=20/1h`).
    public let name: String
    /// The default limit as `BLUEPRINT_USER_LIMITS` writes it: `10/1h`, `10MB/1d`, or `off`.
    public let defaultLimit: String
    /// Job types charged to this action.
    public let jobTypes: [String]

    /// Declares a limit action.
    public init(_ name: String, defaultLimit: String, jobTypes: [String]) {
        self.name = name
        self.defaultLimit = defaultLimit
        self.jobTypes = jobTypes
    }
}
