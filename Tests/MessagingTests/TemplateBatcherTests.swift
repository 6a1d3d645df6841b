import Foundation
import JobEngine
import Messaging
import SMTPProtocol
import TestSupport
import Testing

/// The batcher's windows, sizes, cancellation and shutdown, on a stepped clock, delivering to the
/// real outbox transport (files in a temporary directory).
@Suite struct TemplateBatcherTests {
    static func mail(_ index: Int, locale: String = "en") throws -> TemplatedMail {
        TemplatedMail(
            to: try MailAddress("batch-\(index)@blueprint-test.example"), template: "project_update", locale: locale,
            vars: ["name": .string("N\(index)"), "project_name": .string("P"), "update": .string("U\(index)")])
    }

    static func batcher(window: Duration = .milliseconds(5), size: Int = 50, clock: SteppedClock) throws -> (
        TemplateBatcher<SteppedClock>, URL
    ) {
        let directory = try makeTemporaryDirectory("bp-batch")
        let transport = try OutboxMailTransport(directory: directory.path)
        let renderer = TemplateBatchRenderer(
            templates: try MessageTemplates(templates: BuiltInTemplates.all),
            from: try MailAddress("noreply@blueprint-test.example"))
        return (
            TemplateBatcher(
                window: window, maximumBatch: size, clock: clock, renderer: renderer, transport: transport, now: { 0 }),
            directory
        )
    }

    static func emlCount(_ directory: URL) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".eml") }
            .count
    }

    @Test func aWindowCollectsTheMailsWaitingTogether() async throws {
        let clock = SteppedClock()
        let (batcher, directory) = try Self.batcher(clock: clock)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await batcher.run() }
            try await withThrowingTaskGroup(of: MailReceipt.self) { senders in
                for index in 0..<3 {
                    senders.addTask {
                        try await batcher.deliver(try Self.mail(index, locale: index == 0 ? "ko" : "en"))
                    }
                }
                try await waitUntil("three waiting, window open") {
                    batcher.waitingCount == 3 && !clock.sleepingUntil.isEmpty
                }
                #expect(batcher.batchesSent == 0)
                clock.advance(by: .milliseconds(5))
                var ids: Set<String> = []
                for try await receipt in senders { ids.insert(receipt.message_id) }
                #expect(ids.count == 3)
            }
            #expect(batcher.batchesSent == 1)
            #expect(batcher.templateRenders == 2, "once per locale")
            group.cancelAll()
        }
        #expect(Self.emlCount(directory) == 3)
    }

    @Test func aFullBatchLeavesWithoutWaitingForTheWindow() async throws {
        let clock = SteppedClock()
        let (batcher, directory) = try Self.batcher(size: 4, clock: clock)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await batcher.run() }
            try await withThrowingTaskGroup(of: MailReceipt.self) { senders in
                for index in 0..<8 { senders.addTask { try await batcher.deliver(try Self.mail(index)) } }
                for try await _ in senders {}
            }
            #expect(batcher.batchesSent == 2)
            #expect(batcher.templateRenders == 2)
            group.cancelAll()
        }
        #expect(Self.emlCount(directory) == 8)
    }

    @Test func aCancelledWaitingMailLeavesItsBatch() async throws {
        let clock = SteppedClock()
        let (batcher, directory) = try Self.batcher(clock: clock)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await batcher.run() }
            let waiting = Task { try await batcher.deliver(try Self.mail(1)) }
            try await waitUntil("waiting") { batcher.waitingCount == 1 }
            waiting.cancel()
            await #expect(throws: CancellationError.self) { try await waiting.value }
            #expect(batcher.waitingCount == 0)
            clock.advance(by: .milliseconds(5))
            group.cancelAll()
        }
        #expect(batcher.batchesSent == 0)
        #expect(Self.emlCount(directory) == 0)
    }

    @Test func shutdownSendsWhatWaitsAndRefusesLaterMails() async throws {
        let clock = SteppedClock()
        let (batcher, directory) = try Self.batcher(window: .seconds(3600), clock: clock)
        let runner = Task { try await batcher.run() }
        let waiting = Task { try await batcher.deliver(try Self.mail(1)) }
        try await waitUntil("waiting") { batcher.waitingCount == 1 }
        runner.cancel()
        _ = try await waiting.value
        try await runner.value
        #expect(Self.emlCount(directory) == 1)
        await #expect(throws: JobError.self) { try await batcher.deliver(try Self.mail(2)) }
    }
}
