import Foundation
import Testing

@testable import Verification

/// Arguments and OCR text a hostile or broken producer could send: clear errors, bounded work,
/// never an approval.
@Suite("review_document hostile input")
struct DocumentsHostileInputTests {
    func validate(_ source: String, _ kind: String, _ expect: ReviewDocumentArguments.Expect? = nil) -> String? {
        do {
            _ = try DocumentReviewService.validate(ReviewDocumentArguments(source: source, kind: kind, expect: expect))
            return nil
        } catch {
            #expect(error.kind == .permanent)
            return error.message
        }
    }

    @Test func argumentsAreCheckedBeforeAnyWork() {
        #expect(self.validate("uploads/a.png", "employment_certificate") == nil)
        #expect(
            self.validate(
                "https://files.example/a.png", "business_registration", .init(name: "이영희", number: "124-81-00998"))
                == nil)
        #expect(
            self.validate("uploads/a.png", "passport")?.contains(
                "argument 'kind' must be one of employment_certificate") == true)
        #expect(self.validate("uploads/a.png", "")?.contains("argument 'kind'") == true)
        #expect(self.validate("", "degree_certificate")?.contains("argument 'source'") == true)
        #expect(self.validate("   ", "degree_certificate")?.contains("argument 'source'") == true)
        #expect(self.validate("a\nb", "degree_certificate")?.contains("argument 'source'") == true)
        #expect(
            self.validate(String(repeating: "k", count: 5000), "degree_certificate")?.contains("argument 'source'")
                == true)
        #expect(self.validate("k", "degree_certificate", .init(name: " · "))?.contains("expect.name") == true)
        #expect(
            self.validate("k", "degree_certificate", .init(name: String(repeating: "가", count: 500)))?.contains(
                "expect.name") == true)
        #expect(self.validate("k", "degree_certificate", .init(number: "abc"))?.contains("expect.number") == true)
        #expect(
            self.validate("k", "business_registration", .init(number: "124-81-00997"))?.contains(
                "not a valid business registration number") == true)
        #expect(
            self.validate("k", "employment_certificate", .init(number: "2024-0115")) == nil,
            "other kinds take any document number")
    }

    @Test("long, binary-looking and combining-mark text finishes quickly and is never approved")
    func hostileText() {
        let reviewer = DocumentReviewer()
        var generator = SystemRandomNumberGenerator()
        let scalars = (0..<200_000).compactMap { _ in
            Unicode.Scalar(UInt32.random(in: 0x20...0xD7A3, using: &generator))
        }
        let noise = String(String.UnicodeScalarView(scalars))
        let texts = [
            noise,
            String(repeating: "성명 ", count: 20_000) + "\n" + String(repeating: "등록번호: 124-81-00998 ", count: 5_000),
            String(repeating: "\u{0301}\u{1100}\u{1161}", count: 30_000),
            String(repeating: "\n", count: 100_000),
            "재직증명서\n성명:\u{0000}\u{0007}홍길동\n회사명: \u{202E}블루프린트",
        ]
        for text in texts {
            let review = reviewer.review(
                kind: .businessRegistration, expect: .init(name: "이영희"), pages: [.init(text: text, confidence: 30)],
                today: nil)
            #expect(review.verdict != .autoApproved)
        }
        // Control characters around a name do not make it another name.
        let review = reviewer.review(
            kind: .employmentCertificate, expect: .init(name: "홍길동"), pages: [.init(text: texts[4], confidence: 95)],
            today: nil)
        #expect(review.matched["name"] == true)
    }

    @Test("many pages of masked numbers: every resident number masked")
    func manyNumbers() throws {
        let text = (0..<2000).map { String(format: "주민등록번호 %06d-1%06d", 900_101 + $0 % 30, $0) }.joined(separator: "\n")
        let review = DocumentReviewer().review(
            kind: .employmentCertificate, expect: nil, pages: [.init(text: text, confidence: 90)], today: nil)
        let json = String(decoding: try JSONEncoder().encode(review), as: UTF8.self)
        #expect(!json.contains("1000000"))
        #expect(ResidentRegistrationNumber.mask(text).components(separatedBy: "******").count == 2001)
        #expect(!ResidentRegistrationNumber.mask(text).contains("-1000"))
    }
}
