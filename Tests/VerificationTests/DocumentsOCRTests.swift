import Foundation
import JobEngine
import Logging
import NIOConcurrencyHelpers
import OCR
import TestSupport
import Testing

@testable import Verification

/// review_document on pages rendered here and read by real tesseract (kor+eng).
@Suite(
    .enabled(
        if: TestServers.shouldRun(TestPages.available),
        "needs tesseract kor+eng, ImageMagick and fonts-noto-cjk (scripts/apt/*/ocr.txt)"))
struct DocumentsOCRTests {
    let directory: URL

    init() throws {
        self.directory = try makeTemporaryDirectory("documents")
    }

    func review(
        _ source: String, _ kind: DocumentKind, expect: ReviewDocumentArguments.Expect? = nil,
        logger: Logger = DocumentsTestEnv.quietLogger
    )
        async throws -> DocumentReview
    {
        try await DocumentsTestEnv.service().review(
            ReviewDocumentArguments(source: source, kind: kind.rawValue, expect: expect), logger: logger)
    }

    func permanentError(_ source: String, _ kind: DocumentKind = .employmentCertificate) async throws -> JobError? {
        do {
            _ = try await self.review(source, kind)
            return nil
        } catch let error as JobError {
            return error
        }
    }

    @Test("an employment certificate: fields, masked resident number, auto-approved")
    func employment() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let path = try TestPages.render(DocumentsTestEnv.employment, name: "employment", in: self.directory)
        let review = try await self.review(
            "file:\(path)", .employmentCertificate, expect: .init(name: "홍길동", number: "2024-0115"))
        #expect(review.fields["name"] == "홍길동")
        #expect(review.fields["company"] == "주식회사 블루프린트")
        #expect(review.fields["employment_start"] == "2020-03-02")
        #expect(review.fields["resident_registration_number"] == "900101-1******")
        #expect(review.fields["birth_date"] == "1990-01-01")
        #expect(review.matched == ["name": true, "number": true])
        #expect(review.verdict == .autoApproved, "\(review.reasons) \(review.confidence)")
        #expect(review.pages == 1)
    }

    @Test("a degree certificate")
    func degree() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let path = try TestPages.render(DocumentsTestEnv.degree, name: "degree", in: self.directory)
        let review = try await self.review("bytes:\(path)", .degreeCertificate, expect: .init(name: "김철수"))
        #expect(review.fields["name"] == "김철수")
        #expect(review.fields["school"] == "한국대학교")
        #expect(review.fields["major"] == "컴퓨터공학")
        #expect(review.fields["graduation_date"] == "2019-02-22")
        #expect(review.verdict == .autoApproved, "\(review.reasons) \(review.confidence)")
    }

    @Test("a business registration: number checksum and representative")
    func business() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let path = try TestPages.render(DocumentsTestEnv.business, name: "business", in: self.directory)
        let review = try await self.review(
            "file:\(path)", .businessRegistration, expect: .init(name: "이영희", number: "124-81-00998"))
        #expect(review.fields["registration_number"] == "124-81-00998")
        #expect(review.fields["representative"] == "이영희")
        #expect(review.fields["opening_date"] == "2015-06-01")
        #expect(review.verdict == .autoApproved, "\(review.reasons) \(review.confidence)")
    }

    @Test("a page turned 90° and a low-contrast page still give their fields")
    func rotatedAndLowContrast() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let rotated = try TestPages.render(
            DocumentsTestEnv.business, name: "rotated", in: self.directory, effects: ["-rotate", "90"])
        let turned = try await self.review(
            "file:\(rotated)", .businessRegistration, expect: .init(number: "1248100998"))
        #expect(turned.fields["registration_number"] == "124-81-00998")
        #expect(turned.matched["number"] == true)
        #expect(turned.verdict == .autoApproved, "\(turned.reasons) \(turned.confidence)")

        let faint = try TestPages.render(
            DocumentsTestEnv.employment, name: "faint", in: self.directory, effects: ["+level", "62%,78%"])
        let pale = try await self.review("file:\(faint)", .employmentCertificate, expect: .init(name: "홍길동"))
        #expect(pale.fields["name"] == "홍길동")
        #expect(pale.fields["company"] == "주식회사 블루프린트")
        #expect(pale.matched["name"] == true)
    }

    @Test("a name typed with decomposed jamo matches the composed name on the page")
    func decomposedName() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let path = try TestPages.render(DocumentsTestEnv.degree, name: "nfd", in: self.directory)
        let decomposed = "김철수".decomposedStringWithCanonicalMapping
        // Swift's `==` already treats canonical equivalents as equal: compare the scalars.
        #expect(decomposed.unicodeScalars.count == 8 && "김철수".unicodeScalars.count == 3)
        let review = try await self.review("file:\(path)", .degreeCertificate, expect: .init(name: decomposed))
        #expect(review.matched["name"] == true)
        let other = try await self.review("file:\(path)", .degreeCertificate, expect: .init(name: "박영호"))
        #expect(other.verdict == .rejected)
    }

    @Test("the resident number never reaches the logs or the result")
    func residentNumberNotLogged() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let path = try TestPages.render(DocumentsTestEnv.employment, name: "rrn", in: self.directory)
        let lines = LockedBox<[String]>([])
        var logger = CapturingLogHandler.logger(lines)
        logger.logLevel = .trace
        let review = try await self.review("file:\(path)", .employmentCertificate, logger: logger)
        let json = String(decoding: try JSONEncoder().encode(review), as: UTF8.self)
        #expect(!json.contains("1234567"))
        #expect(json.contains("900101-1******"))
        let logged = lines.current.joined(separator: "\n")
        #expect(logged.contains("document reviewed"), "the review is logged")
        #expect(!logged.contains("1234567") && !logged.contains("900101"))
        #expect(!logged.contains("홍길동"), "no personal data in logs")
    }

    @Test("garbage bytes, PDFs and unknown kinds fail permanently with a clear error")
    func badDocuments() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let garbage = self.directory.appendingPathComponent("garbage.png").path
        try Data("definitely not an image, just text pretending".utf8).write(to: URL(fileURLWithPath: garbage))
        let pdf = self.directory.appendingPathComponent("doc.pdf").path
        try Data("%PDF-1.4\n%âãÏÓ\n1 0 obj <<>> endobj\n%%EOF\n".utf8).write(to: URL(fileURLWithPath: pdf))

        let cases: [(String, String)] = [
            ("bytes:\(garbage)", "unreadable document: unsupported image format"),
            ("bytes:\(pdf)", "unreadable document: unsupported image format: a PDF"),
            ("pdf-unrenderable", "unreadable document: a PDF, and this worker has no PDF renderer"),
        ]
        for (source, message) in cases {
            let error = try #require(try await self.permanentError(source), "\(source)")
            #expect(error.kind == .permanent, "\(source)")
            #expect(error.message.hasPrefix(message), "\(error.message)")
        }
        let unknown = try await self.permanentErrorKind("file:/x.png", kind: "passport")
        #expect(unknown?.kind == .permanent)
        #expect(unknown?.message.contains("argument 'kind' must be one of") == true)
        let unreachable = try #require(try await self.permanentError("unreachable"))
        #expect(unreachable.kind == .transient, "a source that cannot be fetched is retried")
    }

    func permanentErrorKind(_ source: String, kind: String) async throws -> JobError? {
        do {
            _ = try await DocumentsTestEnv.service().review(
                ReviewDocumentArguments(source: source, kind: kind), logger: DocumentsTestEnv.quietLogger)
            return nil
        } catch let error as JobError {
            return error
        }
    }

    @Test("a rendered PDF is read page by page; a blank second page does not hurt")
    func renderedPDF() async throws {
        defer { try? FileManager.default.removeItem(at: self.directory) }
        let path = try TestPages.render(DocumentsTestEnv.employment, name: "pdfpage", in: self.directory)
        let review = try await self.review("pdf:\(path)", .employmentCertificate, expect: .init(name: "홍길동"))
        #expect(review.pages == 2)
        #expect(review.matched["name"] == true)
        #expect(review.verdict == .autoApproved, "\(review.reasons)")
    }
}
