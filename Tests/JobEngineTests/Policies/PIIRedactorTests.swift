import Foundation
import Logging
import TestSupport
import Testing

@testable import JobEngine
@testable import Observability
@testable import Policies
@testable import Secrets

@Suite("PII and secret redaction in logs")
struct PIIRedactorTests {
    @Test("emails keep their first character and domain")
    func emails() {
        let redactor = PIIRedactor()
        #expect(redactor.redact("to user@example.com failed") == "to u***@example.com failed")
        #expect(redactor.redact("a.b+tag@mail.co.kr, x@y.io") == "a***@mail.co.kr, x***@y.io")
        #expect(redactor.redact("no at sign here") == "no at sign here")
    }

    @Test("phone numbers keep their first and last groups")
    func phones() {
        let redactor = PIIRedactor()
        #expect(redactor.redact("sms to 010-1234-5678 queued") == "sms to 010-****-5678 queued")
        #expect(redactor.redact("01012345678") == "010****5678")
        #expect(redactor.redact("+821012345678") == "+82******5678")
        #expect(redactor.redact("+82-10-1234-5678") == "+82-**-****-5678")
        #expect(redactor.redact("02 123 4567 / 031.1234.5678") == "02 *** 4567 / 031.****.5678")
    }

    @Test("ids, timestamps, durations, dates and addresses are left alone")
    func nonPhones() {
        let redactor = PIIRedactor()
        for text in ["1732670000000-0", "job 1764206241000-12 took 123456789 ms", "2026-11-27T01:17:21.123Z",
                     "127.0.0.1:6379", "version 1.37.0", "attempt 3 of 5", "2026-11-27", "deadbeef-1234-5678-9abc-def012345678"] {
            #expect(redactor.redact(text) == text)
        }
    }

    @Test("registered secrets are masked wherever they appear")
    func secrets() {
        let redactor = PIIRedactor()
        redactor.register(secret: "s3cr3t-token-XYZ")
        redactor.register(secret: "short")  // too short to register
        #expect(redactor.redact("Bearer s3cr3t-token-XYZ!") == "Bearer [REDACTED]!")
        #expect(redactor.redact("short") == "short")
    }

    @Test("the JSON log handler applies the redactor to messages and metadata")
    func logHandler() {
        let lines = LockedLines()
        let redactor = PIIRedactor()
        redactor.register(secret: "planted-secret-value")
        let logger = Logger(label: "t") { label in
            JSONLogHandler(label: label, output: JSONLogOutput { lines.append($0) }, redact: { redactor.redact($0) })
        }
        logger.error("mail to kim@example.com with planted-secret-value", metadata: ["error": "phone 010-9876-5432"])
        let text = lines.joined()
        #expect(text.contains("k***@example.com") && text.contains("010-****-5432") && text.contains("[REDACTED]"))
        #expect(!text.contains("kim@example.com") && !text.contains("9876") && !text.contains("planted-secret-value"))
    }
}

@Suite("PII redactor fast path")
struct PIIRedactorFastPathTests {
    @Test("the byte scan lets every phone shape through and skips ids and durations")
    func scan() {
        for text in ["010-1234-5678", "01012345678", "x 01012345678", "+821012345678", "02 123 4567", "(02) 123-4567", "031.1234.5678"] {
            #expect(PIIRedactor.mayContainPhone(text), "\(text)")
        }
        for text in ["1764206241000-0", "took 123456789 ms", "attempt 3", "w-1a2b3c", "12345678901"] {
            #expect(!PIIRedactor.mayContainPhone(text), "\(text)")
        }
    }
}
