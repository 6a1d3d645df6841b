import JobEngine
import ServiceModule
import Testing

@testable import WorkerApp

@Suite("Default lanes of the declared job types")
struct JobPriorityDefaultsTests {
    @Test("codes and identity checks are critical, notifications bulk, the rest default")
    func declaredLanes() {
        let priorities = ModuleCatalog.standard.jobPriorities
        #expect(
            priorities == [
                "send_verification_code": .critical, "send_work_email_verification": .critical,
                "send_sms_code": .critical, "verify_phone_identity": .critical,
                "send_email": .bulk, "send_sms": .bulk,
            ])
        // Types in `default` are left out of the map: the producer's fallback covers them.
        for type in ModuleCatalog.standard.jobTypes where priorities[type.name] == nil {
            #expect(type.priority == .default, "\(type.name)")
        }
    }
}
