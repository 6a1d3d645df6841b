import Foundation
import SMTPClient
import SMTPProtocol
import TestSupport
import Testing

/// `SMTPClient.send(batch:)` against the real aiosmtpd: several messages per session, pipelined,
/// each message with its own result.
@Suite(.enabled(if: MessagingTestEnv.smtpSuitesRun, "needs the aiosmtpd server of scripts/test.sh"))
struct SMTPBatchIntegrationTests {
    typealias Env = MessagingTestEnv

    static func client(connections: Int, pipelining: Bool = true) throws -> SMTPClient {
        var configuration = EmailJobIntegrationTests.smtpConfiguration()
        configuration.maximumConnections = connections
        configuration.usePipelining = pipelining
        return try SMTPClient(configuration: configuration, logger: Env.logger)
    }

    static func message(to: String, index: Int) throws -> SMTPBatchMessage {
        let mail = MailMessage(
            from: try MailAddress("noreply@blueprint-test.example"), to: [try MailAddress(to)],
            subject: "batch \(index)",
            text: "본문 \(index)\n.\n..dots", date: 1_795_741_200)
        return SMTPBatchMessage(
            bytes: try mail.render(), sender: mail.from.address, recipients: [to], requiresSMTPUTF8: false)
    }

    /// One batch on one session with a refused, a deferred, an oversized and a malformed message
    /// among good ones: each gets its own result, the good ones arrive once, in one session.
    @Test(arguments: [true, false])
    func eachMessageOfABatchGetsItsOwnResult(pipelining: Bool) async throws {
        let client = try Self.client(connections: 1, pipelining: pipelining)
        var recipients = (0..<30).map { _ in Env.recipient("smtpbatch") }
        recipients[3] = "reject-\(UUID().uuidString.prefix(6).lowercased())@blueprint-test.example"
        recipients[7] = "tempfail-\(UUID().uuidString.prefix(6).lowercased())@blueprint-test.example"
        var batch = try recipients.enumerated().map { try Self.message(to: $0.element, index: $0.offset) }
        batch[10].bytes = Array(repeating: UInt8(ascii: "a"), count: 11 << 20)  // over the server's SIZE
        batch[12].recipients = ["x@blueprint-test.example\r\nRCPT TO:<victim@example.com>"]
        batch[14].recipients = []
        let results = await client.send(batch: batch)
        await client.shutdown()
        #expect(results.count == batch.count)
        let special: Set<Int> = [3, 7, 10, 12, 14]
        for (index, result) in results.enumerated() where !special.contains(index) {
            #expect((try? result.get())?.reply.code == 250, "message \(index): \(result)")
        }
        func failure(_ index: Int) -> SMTPError? {
            if case .failure(let error) = results[index] { return error }
            return nil
        }
        #expect(failure(3)?.reply?.code == 550 && failure(3)?.isTransient == false)
        #expect(failure(7)?.reply?.code == 451 && failure(7)?.isTransient == true)
        #expect(failure(10)?.code == .messageTooLarge)
        #expect(failure(12)?.code == .invalidMessage)
        #expect(failure(14)?.code == .invalidMessage)
        let received = EmailBatchIntegrationTests.received()
        var sessions: Set<String> = []
        for (index, to) in recipients.enumerated() where !special.contains(index) {
            #expect(received[to]?.count == 1, "message \(index)")
            if let session = received[to]?.first?["session"] as? String { sessions.insert(session) }
        }
        #expect(sessions.count == 1, "one session for the whole batch: \(sessions.count)")
        #expect(received["victim@example.com"] == nil)
    }

    @Test func aLargerBatchIsSpreadOverThePoolsSessions() async throws {
        let client = try Self.client(connections: 4)
        let recipients = (0..<64).map { _ in Env.recipient("spread") }
        let results = await client.send(
            batch: try recipients.enumerated().map { try Self.message(to: $0.element, index: $0.offset) })
        await client.shutdown()
        #expect(results.allSatisfy { (try? $0.get()) != nil })
        let received = EmailBatchIntegrationTests.received()
        let sessions = Set(recipients.compactMap { received[$0]?.first?["session"] as? String })
        #expect(recipients.allSatisfy { received[$0]?.count == 1 })
        #expect(sessions.count > 1 && sessions.count <= 4, "sessions: \(sessions.count)")
    }

    @Test func anEmptyBatchSendsNothing() async throws {
        let client = try Self.client(connections: 1)
        #expect(await client.send(batch: []).isEmpty)
        await client.shutdown()
    }
}
