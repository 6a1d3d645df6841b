import SMTPClient
import SMTPProtocol
import TestSupport
import Testing

/// Failures are told apart by their code, never by their text.
@Suite struct SMTPErrorTests {
    @Test func everyConstructorHasItsCode() {
        let cases: [(SMTPError, SMTPError.Code)] = [
            (.connect("refused"), .connect),
            (.timeout("DATA"), .timeout),
            (.closed, .closed),
            (.tls("bad certificate"), .tls),
            (.protocolViolation("not SMTP"), .protocolViolation),
            (.reply(SMTPReply(code: 451, lines: ["try later"]), to: "RCPT"), .reply),
            (.unsupported("no SMTPUTF8"), .unsupported),
            (.configuration("host and port required"), .configuration),
            (.messageTooLarge(size: 2, limit: 1), .messageTooLarge),
        ]
        for (error, code) in cases { #expect(error.code == code, "\(error)") }
        #expect(Set(cases.map(\.1)).count == cases.count, "codes are distinct")
    }

    @Test func theCodeDoesNotDependOnTheText() {
        // Two TLS failures with different texts are the same kind; a connect failure whose text
        // mentions "closed" is not a closed connection.
        #expect(SMTPError.tls("handshake failed").code == SMTPError.tls("connection closed").code)
        #expect(SMTPError.connect("connection closed").code != .closed)
        #expect(SMTPError.closed.code == .closed)
    }

    @Test func shortDescriptionsAreStableMetricLabels() {
        #expect(SMTPError.closed.shortDescription == "closed")
        #expect(SMTPError.timeout("EHLO").shortDescription == "timeout")
        #expect(SMTPError.reply(SMTPReply(code: 451, lines: ["later"]), to: "DATA").shortDescription == "reply_4xx")
        #expect(SMTPError.reply(SMTPReply(code: 550, lines: ["no"]), to: "RCPT").shortDescription == "reply_5xx")
        #expect(SMTPError.Code.protocolViolation.description == "protocolViolation")
    }
}
