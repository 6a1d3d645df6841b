import Foundation
import JobEngine
import Messaging
import SMTPClient
import SMTPProtocol
import TestSupport
import Testing

@Suite struct EmailUnitTests {
    @Test func smtpURLs() throws {
        guard case .smtp(let starttls) = try MailTransportSettings(url: "smtp://us%40er:p%3Ass@mail.example.com?pool=8", caFile: "/ca.pem") else {
            Issue.record("not smtp")
            return
        }
        #expect(starttls.security == .startTLS && starttls.port == 587 && starttls.username == "us@er" && starttls.password == "p:ss")
        #expect(starttls.maximumConnections == 8 && starttls.caFile == "/ca.pem")
        guard case .smtp(let implicit) = try MailTransportSettings(url: "smtps://mail.example.com") else { return }
        #expect(implicit.security == .implicit && implicit.port == 465)
        guard case .smtp(let plain) = try MailTransportSettings(url: "smtp://127.0.0.1:2525?tls=none") else { return }
        #expect(plain.security == .none && plain.port == 2525 && plain.username == nil)
        guard case .outbox(let directory) = try MailTransportSettings(url: "outbox:///var/mail/outbox") else { return }
        #expect(directory == "/var/mail/outbox")
        for bad in ["", "http://x", "smtp://", "smtp://h?tls=maybe", "smtp://h?pool=0", "outbox://"] {
            #expect(throws: SMTPError.self, "\(bad)") { try MailTransportSettings(url: bad) }
        }
        do {
            _ = try MailTransportSettings(url: "smtp://user:supersecret@h?tls=bogus")
        } catch {
            #expect(!error.message.contains("supersecret"))
        }
    }

    @Test func templatesEscapeHTMLAndRequireVariables() throws {
        let templates = try MessageTemplates(templates: BuiltInTemplates.all)
        let html = try templates.render("welcome", locale: "en", part: "html", vars: ["name": .string("<script>alert(1)</script>")])
        #expect(html?.contains("&lt;script&gt;") == true)
        let text = try templates.render("welcome", locale: "en", part: "text", vars: ["name": .string("<b>")])
        #expect(text?.contains("Hello <b>,") == true)
        #expect(throws: JobError.permanent("template 'trade_completed' (ko) needs variable(s) 'amount', 'trade_id'")) {
            try templates.render("trade_completed", locale: "ko", part: "text", vars: ["name": .string("x"), "item": .string("y")])
        }
        #expect(throws: JobError.self) { try templates.render("../etc/passwd", locale: "ko", part: "text", vars: [:]) }
        #expect(try templates.render("nope", locale: "ko", part: "text", vars: [:]) == nil)
        // Every built-in mail template exists in both locales with subject, text and html.
        for name in ["welcome", "verification_code_signup", "verification_code_login", "work_email_verification", "project_update", "trade_completed"] {
            for locale in ["ko", "en"] {
                for part in ["subject", "text", "html"] { #expect(templates.contains(name, locale: locale, part: part), "\(locale)/\(name).\(part)") }
            }
        }
    }

    @Test func freeMailDomains() {
        #expect(FreeMailDomains.contains("gmail.com"))
        #expect(FreeMailDomains.contains("NAVER.COM"))
        #expect(FreeMailDomains.contains("x.yopmail.com"))
        #expect(!FreeMailDomains.contains("samsung.com"))
        #expect(!FreeMailDomains.contains("com"))
    }

    @Test func outboxWritesAnEmlThatPythonDecodes() async throws {
        let directory = NSTemporaryDirectory() + "bp-outbox-\(UUID().uuidString.prefix(8))"
        let outbox = try OutboxMailTransport(directory: directory)
        let message = MailMessage(
            from: try MailAddress("noreply@blueprint-test.example"), to: [try MailAddress("user@blueprint-test.example")],
            subject: "거래가 완료되었습니다", text: "본문", date: 0)
        let receipt = try await outbox.deliver(message)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".eml") }
        #expect(files.count == 1)
        #expect(receipt.transport == "outbox")
        if MessagingTestEnv.smtpSuitesRun {
            let decoded = try Maildir.decode(directory + "/" + files[0])
            #expect(decoded["subject"] as? String == "거래가 완료되었습니다")
            #expect(decoded["text"] as? String == "본문\n")
        }
    }
}
