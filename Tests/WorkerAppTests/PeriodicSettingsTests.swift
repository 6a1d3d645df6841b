import Foundation
import JobEngine
import Logging
import Observability
import Testing

@testable import WorkerApp

@Suite("BLUEPRINT_PERIODIC in the worker's settings")
struct PeriodicSettingsTests {
    func environment(_ periodic: String) -> [String: String] {
        [
            "REDIS_URL": "redis://127.0.0.1:1/0", "BLUEPRINT_PERIODIC": periodic, "SMS_PROVIDER": "outbox",
            "SMTP_URL": "outbox:///tmp/bp-periodic-mail",
        ]
    }

    @Test func entriesAreReadAndTheSchedulerIsWired() async throws {
        let configured = try await ConfiguredSettings.load(
            environment: self.environment(
                #"[{"name":"nightly","cron":"0 3 * * *","queue":"email_queue","job":{"type":"canary"},"missed":"catch_up","catch_up_max":2}]"#
            ))
        #expect(configured.core.periodic.map(\.name) == ["nightly"])
        #expect(configured.core.periodic.first?.timeZone.identifier == "Asia/Seoul")
        #expect(configured.core.periodic.first?.missedTicks == .catchUp(limit: 2))
        var logger = Logger(label: "periodic-settings-test")
        logger.logLevel = .critical
        let built = try WorkerApplication(configured: configured, redactor: PIIRedactor(), logger: logger)
            .makeServices()
        #expect(built.services.contains { $0.service is PeriodicScheduler })
        await built.shutdown()
    }

    @Test func noEntriesNoScheduler() async throws {
        var environment = self.environment("")
        environment.removeValue(forKey: "BLUEPRINT_PERIODIC")
        let configured = try await ConfiguredSettings.load(environment: environment)
        #expect(configured.core.periodic.isEmpty)
    }

    @Test func badEntriesAreReportedOneLineEach() async throws {
        do {
            _ = try await ConfiguredSettings.load(
                environment: self.environment(
                    #"[{"name":"a","cron":"0 25 * * *","queue":"q","job":{"type":"x"}},{"name":"b","cron":"@daily","queue":"q","job":{"type":"x"},"time_zone":"Nowhere/City"}]"#
                ))
            Issue.record("bad BLUEPRINT_PERIODIC accepted")
        } catch {
            #expect(
                error.problems == [
                    "BLUEPRINT_PERIODIC entry 1 (a): hour value '25' is out of range 0...23",
                    "BLUEPRINT_PERIODIC entry 2 (b): time_zone must be an IANA zone name like Asia/Seoul or America/New_York",
                ])
        }
        do {
            _ = try await ConfiguredSettings.load(environment: self.environment("not json"))
            Issue.record("garbage accepted")
        } catch {
            #expect(error.problems == ["BLUEPRINT_PERIODIC is not valid JSON (expected an array of objects)"])
        }
    }
}
