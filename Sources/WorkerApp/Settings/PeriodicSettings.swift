import JobEngine
import SettingsModel

/// `BLUEPRINT_PERIODIC`: the periodic (cron) jobs every worker enqueues, once per tick.
public enum PeriodicSettings {
    static let periodic = Setting(
        "BLUEPRINT_PERIODIC", defaultDescription: "none",
        help: """
            JSON array of periodic jobs: `[{"name":"nightly","cron":"0 3 * * *","queue":"email_queue","job":{"type":"canary"}}]`; \
            optional `time_zone` (default `Asia/Seoul`), `user_id`, `missed` (`skip` or `catch_up`), `catch_up_max` (1...1000, default 10). \
            See docs/operations.md.
            """)

    /// The periodic jobs section.
    public static let groups: [SettingGroup] = [
        SettingGroup(
            "Periodic jobs", summary: "Jobs enqueued on a cron schedule, once per tick across every worker.",
            settings: [periodic])
    ]

    /// The declared periodic jobs; each bad entry reported on `values`.
    static func parse(_ values: inout SettingValues) -> [PeriodicJob] {
        guard let text = values.raw(Self.periodic.name) else { return [] }
        switch PeriodicJobList.parse(text) {
        case .success(let jobs): return jobs
        case .failure(let error):
            for problem in error.problems { values.report("BLUEPRINT_PERIODIC \(problem)") }
            return []
        }
    }
}
