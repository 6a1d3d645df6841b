import JobEngine
import ServiceModule
import SettingsModel
import TestSupport
import Testing

@testable import WorkerApp

@Suite("Module declarations")
struct ModuleCatalogTests {
    let catalog = ModuleCatalog.standard

    @Test("every job type arrives on a declared queue, and no type is declared twice")
    func jobTypesOnDeclaredQueues() {
        let queues = Set(self.catalog.queues.map(\.name))
        var seen = Set<String>()
        for type in self.catalog.jobTypes {
            #expect(type.queue == JobTypeDeclaration.anyQueue || queues.contains(type.queue), "\(type.name) on \(type.queue)")
            #expect(seen.insert(type.name).inserted, "\(type.name) declared twice")
        }
        #expect(queues == ["email_queue", "sms_queue", "file_processing_queue", "verification_queue"])
    }

    @Test("every setting is declared once, with help text")
    func settingsDeclaredOnce() {
        var seen = Set<String>()
        for setting in ConfiguredSettings.groups(catalog: self.catalog).flatMap(\.settings) {
            #expect(seen.insert(setting.name).inserted, "\(setting.name) declared twice")
            #expect(!setting.help.isEmpty, "\(setting.name) has no help")
        }
    }

    @Test("every credential a module reads is a declared secret (so it gets _FILE, Vault and redaction)")
    func credentialsAreSecrets() {
        let secrets = Set(ConfiguredSettings.secretNames(catalog: self.catalog))
        for name in [
            "REDIS_URL", "SMTP_URL", "NHN_SMS_APP_KEY", "NHN_SMS_SECRET_KEY", "SOLAPI_API_KEY", "SOLAPI_API_SECRET", "TWILIO_AUTH_TOKEN",
            "IDENTITY_PASS_ENCRYPTION_KEY", "IDENTITY_PASS_INTEGRITY_KEY", "IDENTITY_HASH_KEY", "BLUEPRINT_ADMIN_TOKEN",
            "BLUEPRINT_ENCRYPTION_KEYS", "VAULT_TOKEN",
        ] {
            #expect(secrets.contains(name), "\(name) is not a declared secret")
        }
        // Names nothing reads are not declared.
        #expect(!secrets.contains("SMS_API_KEY"))
        #expect(!secrets.contains("SMTP_PASSWORD"))
    }

    @Test("limit actions come from the modules: each charges declared job types")
    func limitActionsFromModules() throws {
        let rules = try self.catalog.defaultLimitRules()
        #expect(rules.limit(forJobType: "send_email")?.description == "10 email per 1h")
        #expect(rules.limit(forJobType: "send_sms_code")?.description == "5 sms per 1d")
        #expect(rules.limit(forJobType: "process_document")?.description == "10MB upload per 1d")
        #expect(rules.limit(forJobType: "canary") == nil)
        let declared = Set(self.catalog.jobTypes.map(\.name))
        for type in rules.actions.keys { #expect(declared.contains(type), "\(type) is charged but not declared") }
    }

    @Test("queues a module does not declare get the default group name")
    func undeclaredQueueKeys() {
        #expect(self.catalog.keys(for: "file_processing_queue").group == "file_workers")
        #expect(self.catalog.keys(for: "reports_queue").group == "reports_workers")
        #expect(self.catalog.defaultConcurrency(for: "file_processing_queue") == 8)
    }

    @Test("CPU-bound queues never run their jobs on an event loop of the Redis client")
    func cpuBoundQueuesOffTheEventLoop() async throws {
        let configured = try await ConfiguredSettings.load(environment: ["REDIS_URL": "redis://127.0.0.1:6379/0"])
        let byName = Dictionary(uniqueKeysWithValues: configured.core.engine.queues.map { ($0.keys.stream, $0) })
        #expect(byName["file_processing_queue"]?.runsJobsOnEventLoop == false)
        #expect(byName["email_queue"]?.runsJobsOnEventLoop == true)
        #expect(configured.core.engine.runsJobsOnEventLoop)
        let off = try await ConfiguredSettings.load(environment: ["BLUEPRINT_JOBS_ON_EVENT_LOOP": "0"])
        #expect(!off.core.engine.runsJobsOnEventLoop)
    }
}
