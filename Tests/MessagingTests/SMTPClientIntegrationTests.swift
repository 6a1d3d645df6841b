import Foundation
import NIOCore
import NIOPosix
import SMTPClient
import SMTPProtocol
import TestSupport
import Testing

/// Against the real aiosmtpd server that scripts/test.sh starts (STARTTLS + AUTH, implicit TLS).
@Suite(.enabled(if: MessagingTestEnv.smtpSuitesRun, "needs the aiosmtpd server of scripts/test.sh"))
struct SMTPClientIntegrationTests {
    typealias Env = MessagingTestEnv

    func configuration(security: SMTPClientConfiguration.Security = .startTLS, password: String = Env.smtpPassword, ca: Bool = true) -> SMTPClientConfiguration {
        var configuration = SMTPClientConfiguration(
            host: Env.smtpHost, port: security == .implicit ? Env.smtpImplicitPort : Env.smtpPort, security: security,
            username: Env.smtpUser, password: password, caFile: ca ? Env.caFile : nil)
        configuration.commandTimeout = .seconds(10)
        configuration.maximumConnections = 2
        return configuration
    }

    func koreanMessage(to: String, subject: String = "[블루프린트] 회원가입 인증 코드 123456 — 환영합니다! 🎉") throws -> MailMessage {
        MailMessage(
            from: try MailAddress("noreply@blueprint-test.example", displayName: "블루프린트 팀"),
            to: [try MailAddress(to, displayName: "홍길동")],
            subject: subject,
            text: "안녕하세요, 홍길동님.\n인증 코드는 123456 입니다.\n.\n..점으로 시작하는 줄\n끝.",
            html: "<p>안녕하세요, <b>홍길동</b>님.</p>\n<p>코드: 123456</p>",
            date: 1_795_741_200)
    }

    @Test func startTLSAuthKoreanMailDecodesExactly() async throws {
        let client = try SMTPClient(configuration: configuration(), logger: Env.logger)
        let to = Env.recipient()
        let message = try koreanMessage(to: to)
        let delivery = try await client.send(message)
        await client.shutdown()
        #expect(delivery.accepted == [to])
        #expect(delivery.reply.code == 250)

        let received = try #require(Maildir.messages(to: to).first)
        #expect(received.tls && received.authenticated)
        let decoded = try Maildir.decode(received.eml)
        #expect(decoded["subject"] as? String == message.subject)
        #expect(decoded["from_name"] as? String == "블루프린트 팀")
        #expect(decoded["to_name"] as? String == "홍길동")
        #expect(decoded["text"] as? String == message.text + "\n")
        #expect(decoded["html"] as? String == message.html! + "\n")
        #expect(decoded["content_types"] as? [String] == ["multipart/alternative", "text/plain", "text/html"])
        #expect((decoded["defects"] as? [String])?.isEmpty == true)
        #expect(decoded["bare_lf"] as? Bool == false)
        #expect(decoded["seven_bit"] as? Bool == true)
        #expect((decoded["max_line"] as? Int ?? 999) <= 78)
    }

    @Test func implicitTLS() async throws {
        let client = try SMTPClient(configuration: configuration(security: .implicit), logger: Env.logger)
        let to = Env.recipient()
        _ = try await client.send(try koreanMessage(to: to, subject: "implicit TLS"))
        await client.shutdown()
        let received = try #require(Maildir.messages(to: to).first)
        #expect(received.authenticated)
        #expect(try Maildir.decode(received.eml)["subject"] as? String == "implicit TLS")
    }

    @Test func certificateFromAnUntrustedCAIsRefused() async throws {
        let client = try SMTPClient(configuration: configuration(ca: false), logger: Env.logger)
        let to = Env.recipient()
        await #expect {
            _ = try await client.send(try koreanMessage(to: to))
        } throws: { error in
            guard let error = error as? SMTPError else { return false }
            return error.isConnectionFailure && error.isTransient && error.code == .tls
        }
        await client.shutdown()
        #expect(Maildir.messages(to: to).isEmpty)
    }

    @Test func wrongPasswordIsAPermanentReply() async throws {
        let client = try SMTPClient(configuration: configuration(password: "wrong"), logger: Env.logger)
        await #expect {
            _ = try await client.send(try koreanMessage(to: Env.recipient()))
        } throws: { error in
            guard let error = error as? SMTPError else { return false }
            return !error.isTransient && error.reply?.code == 535 && !error.message.contains("wrong")
        }
        await client.shutdown()
    }

    @Test func authLoginWhenPlainIsNotOfferedIsCoveredByCapabilities() throws {
        // aiosmtpd offers both; the mechanism choice is a pure function of the EHLO reply.
        let caps = SMTPCapabilities(ehlo: SMTPReply(code: 250, lines: ["x", "AUTH LOGIN"]))
        #expect(caps.authMechanisms == ["LOGIN"])
    }

    @Test func transientAndPermanentRecipientReplies() async throws {
        let client = try SMTPClient(configuration: configuration(), logger: Env.logger)
        await #expect {
            _ = try await client.send(try koreanMessage(to: "tempfail-\(UUID().uuidString.prefix(6))@blueprint-test.example"))
        } throws: { error in
            guard let error = error as? SMTPError else { return false }
            return error.isTransient && !error.isConnectionFailure && error.reply?.code == 451
        }
        await #expect {
            _ = try await client.send(try koreanMessage(to: "reject-\(UUID().uuidString.prefix(6))@blueprint-test.example"))
        } throws: { error in
            guard let error = error as? SMTPError else { return false }
            return !error.isTransient && error.reply?.code == 550 && error.message.contains("Mailbox unavailable")
        }
        // The connection is still good after refusals (RSET before the next transaction).
        let to = Env.recipient()
        _ = try await client.send(try koreanMessage(to: to))
        await client.shutdown()
        #expect(Maildir.messages(to: to).count == 1)
    }

    @Test func manyConcurrentMessagesOverAFewReusedConnections() async throws {
        let client = try SMTPClient(configuration: configuration(), logger: Env.logger)
        let recipients = (0..<30).map { _ in Env.recipient("bulk") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for to in recipients {
                group.addTask { _ = try await client.send(try koreanMessage(to: to, subject: "bulk \(to.prefix(13))")) }
            }
            try await group.waitForAll()
        }
        await client.shutdown()
        for to in recipients { #expect(Maildir.messages(to: to).count == 1) }
    }

    @Test func smtpUTF8AndEightBitMIMEAreUsedWhenOffered() async throws {
        let client = try SMTPClient(configuration: configuration(), logger: Env.logger)
        let local = "사용자\(UUID().uuidString.prefix(6).lowercased())"
        let to = "\(local)@blueprint-test.example"
        let message = try koreanMessage(to: to, subject: "SMTPUTF8")
        #expect(message.requiresSMTPUTF8)
        _ = try await client.send(message)
        await client.shutdown()
        let received = try #require(Maildir.messages(to: to).first)
        let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: String(received.eml.dropLast(4)) + ".json"))) as? [String: Any]
        let options = (meta?["mail_options"] as? [String]) ?? []
        #expect(options.contains("SMTPUTF8"))
        #expect(options.contains("BODY=8BITMIME"))
    }

    @Test func aServerThatNeverAnswersTimesOutPerCommand() async throws {
        // A TCP listener that accepts and says nothing: the greeting never comes.
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { $0.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0).get()
        var configuration = SMTPClientConfiguration(host: "127.0.0.1", port: silent.localAddress?.port ?? 0, security: .none)
        configuration.commandTimeout = .milliseconds(300)
        let client = try SMTPClient(configuration: configuration, logger: Env.logger)
        await #expect {
            _ = try await client.send(try koreanMessage(to: Env.recipient()))
        } throws: { error in
            guard let error = error as? SMTPError else { return false }
            return error.code == .timeout && error.isTransient && error.isConnectionFailure
        }
        await client.shutdown()
        try await silent.close()
    }

    @Test func nothingListeningIsAConnectionFailure() async throws {
        var configuration = configuration()
        configuration.port = 1  // nothing listens on port 1 on loopback
        let client = try SMTPClient(configuration: configuration, logger: Env.logger)
        await #expect {
            _ = try await client.send(try koreanMessage(to: Env.recipient()))
        } throws: { error in
            (error as? SMTPError)?.isConnectionFailure == true
        }
        await client.shutdown()
    }
}
