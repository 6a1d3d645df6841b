import JobEngine
import Testing

@testable import WorkerApp

@Suite("BLUEPRINT_PARTITIONS in the worker's settings")
struct PartitionSettingsTests {
    @Test func partitionedQueuesBecomeOneEngineQueuePerPartition() async throws {
        let configured = try await ConfiguredSettings.load(environment: [
            "BLUEPRINT_QUEUES": "email_queue,sms_queue", "BLUEPRINT_PARTITIONS": "email_queue=3", "BLUEPRINT_CONCURRENCY": "email_queue=30,sms_queue=8",
        ])
        #expect(configured.core.partitions.count(for: "email_queue") == 3)
        let queues = configured.core.engine.queues
        #expect(queues.map(\.keys.stream) == ["email_queue", "email_queue~1", "email_queue~2", "sms_queue"])
        #expect(queues.map(\.concurrency) == [10, 10, 10, 8])
        #expect(Set(queues.prefix(3).map(\.keys.group)).count == 1)
        // Operator commands see the logical queue once.
        #expect(configured.knownQueues.filter { $0.stream.hasPrefix("email_queue") }.map(\.stream) == ["email_queue"])
    }

    @Test(arguments: [
        "email_queue=0", "=4", "email_queue=x", "email_queue=100000", "other_queue=2", "email_queue=2,email_queue=3", "email_queue",
        String(repeating: "email_queue=2,", count: 2000),
    ])
    func badValuesAreReportedOnOneLine(value: String) async throws {
        do {
            _ = try await ConfiguredSettings.load(environment: ["BLUEPRINT_QUEUES": "email_queue,sms_queue", "BLUEPRINT_PARTITIONS": value])
            Issue.record("accepted \(value.prefix(40))")
        } catch {
            #expect(error.problems.count == 1, "\(error.problems)")
            #expect(error.problems.allSatisfy { $0.hasPrefix("BLUEPRINT_PARTITIONS") && $0.count < 300 })
        }
    }

    @Test func aQueueNameWithTheSeparatorIsRefused() async throws {
        do {
            _ = try await ConfiguredSettings.load(environment: ["BLUEPRINT_QUEUES": "email_queue~1"])
            Issue.record("accepted a queue named like a partition")
        } catch {
            #expect(error.problems.contains { $0.contains("'~'") }, "\(error.problems)")
        }
    }
}
