/// Settings declared together by one layer or service (a section of `docs/configuration.md`).
public struct SettingGroup: Sendable {
    /// Section title, e.g. "Email".
    public let title: String
    /// One line on what the section configures.
    public let summary: String
    /// The settings, in the order the docs list them.
    public let settings: [Setting]

    /// Declares a group.
    public init(_ title: String, summary: String, settings: [Setting]) {
        self.title = title
        self.summary = summary
        self.settings = settings
    }
}
