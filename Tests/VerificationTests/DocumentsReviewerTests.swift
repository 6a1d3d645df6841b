import Foundation
import Testing

@testable import Verification

/// Field extraction and verdicts on OCR-like text (spacing noise, shared lines), no OCR.
@Suite("review_document fields and verdicts")
struct DocumentsReviewerTests {
    static let today = DocumentDate(year: 2025, month: 6, day: 1)
    let reviewer = DocumentReviewer()

    func review(
        _ kind: DocumentKind, _ text: String, confidence: Int = 90, expect: ReviewDocumentArguments.Expect? = nil
    ) -> DocumentReview {
        self.reviewer.review(
            kind: kind, expect: expect, pages: [DocumentReviewer.Page(text: text, confidence: confidence)],
            today: Self.today)
    }

    static let employment = """
        재 직 증 명 서

        성 명 : 홍 길 동      생년월일: 1990. 1. 1.
        주민등록번호: 900101-1234567
        회 사 명: 주식회사 블루프린트
        부서: 플랫폼개발팀  직위: 선임연구원
        재직기간: 2020.03.02 ~ 현재
        발급번호: No. 2024-0115 (재발급)
        위와 같이 재직하고 있음을 증명합니다.

        2024년 1월 15일
        """

    @Test func employmentCertificateFields() {
        let review = self.review(
            .employmentCertificate, Self.employment, expect: .init(name: "홍길동", number: "2024-0115"))
        #expect(review.fields["name"] == "홍 길 동")
        #expect(review.fields["birth_date"] == "1990-01-01")
        #expect(review.fields["company"] == "주식회사 블루프린트")
        #expect(review.fields["department"] == "플랫폼개발팀")
        #expect(review.fields["position"] == "선임연구원")
        #expect(review.fields["employment_start"] == "2020-03-02")
        #expect(review.fields["issue_date"] == "2024-01-15")
        #expect(review.fields["document_number"] == "20240115")
        #expect(review.fields["resident_registration_number"] == "900101-1******")
        #expect(review.matched == ["name": true, "number": true])
        #expect(review.verdict == .autoApproved, "\(review.reasons)")
        #expect(review.reasons.isEmpty)
        #expect(review.confidence >= 0.9)
    }

    @Test("the full resident number appears nowhere in the review")
    func residentNumberNeverLeaks() throws {
        let review = self.review(.employmentCertificate, Self.employment)
        let json = String(decoding: try JSONEncoder().encode(review), as: UTF8.self)
        #expect(!json.contains("1234567"))
        #expect(json.contains("900101-1******"))
    }

    @Test func degreeCertificate() {
        let text = """
            졸 업 증 명 서
            성명: 김철수 (金哲洙)
            생년월일: 1995년 5월 20일
            학교명: 한국대학교
            전공: 컴퓨터공학    학위: 공학사
            졸업일자: 2019.02.22
            2024. 3. 4.
            """
        let review = self.review(.degreeCertificate, text, expect: .init(name: "김철수"))
        #expect(review.fields["name"] == "김철수")
        #expect(review.fields["school"] == "한국대학교")
        #expect(review.fields["major"] == "컴퓨터공학")
        #expect(review.fields["degree"] == "공학사")
        #expect(review.fields["graduation_date"] == "2019-02-22")
        #expect(review.fields["issue_date"] == "2024-03-04")
        #expect(review.verdict == .autoApproved, "\(review.reasons)")
    }

    static let business = """
        사 업 자 등 록 증
        (법인사업자)
        등록번호 : 124-81-00998
        법인명(단체명) : 블루프린트 주식회사
        대 표 자 : 이영희    개업연월일 : 2015 년 06 월 01 일
        법인등록번호 : 110111-1234567
        사업장 소재지 : 서울특별시 강남구 테헤란로 123
        업태 : 서비스   종목 : 소프트웨어 개발
        2020년 5월 6일
        """

    @Test func businessRegistration() {
        let review = self.review(.businessRegistration, Self.business, expect: .init(name: "이영희", number: "1248100998"))
        #expect(review.fields["registration_number"] == "124-81-00998")
        #expect(review.fields["business_name"] == "블루프린트 주식회사")
        #expect(review.fields["representative"] == "이영희")
        #expect(review.fields["opening_date"] == "2015-06-01")
        #expect(review.fields["address"] == "서울특별시 강남구 테헤란로 123")
        #expect(review.fields["business_type"] == "서비스")
        #expect(review.fields["business_item"] == "소프트웨어 개발")
        #expect(review.matched == ["name": true, "number": true])
        #expect(review.verdict == .autoApproved, "\(review.reasons)")
        let companyName = self.review(.businessRegistration, Self.business, expect: .init(name: "블루프린트(주식회사)"))
        #expect(companyName.matched["name"] == true, "the business name matches too")
    }

    @Test func badChecksumNeedsReview() {
        let text = Self.business.replacingOccurrences(of: "124-81-00998", with: "124-81-00997")
        let review = self.review(.businessRegistration, text)
        #expect(review.fields["registration_number"] == nil)
        #expect(review.reasons.contains("invalid_field:registration_number"))
        #expect(review.verdict == .needsReview)
    }

    @Test func differentBusinessNumberIsRejected() {
        let review = self.review(.businessRegistration, Self.business, expect: .init(number: "220-81-62517"))
        #expect(review.matched["number"] == false)
        #expect(review.verdict == .rejected)
        #expect(review.reasons.contains("number_mismatch"))
    }

    @Test func decomposedExpectedNameMatches() {
        let decomposed = "홍길동".decomposedStringWithCanonicalMapping
        let review = self.review(.employmentCertificate, Self.employment, expect: .init(name: decomposed))
        #expect(review.matched["name"] == true)
        // And the other way round: decomposed text on the page.
        let page = self.review(
            .employmentCertificate, Self.employment.decomposedStringWithCanonicalMapping, expect: .init(name: "홍길동"))
        #expect(page.matched["name"] == true)
        #expect(page.verdict == .autoApproved, "\(page.reasons)")
    }

    @Test func nameMismatchAndNearMiss() {
        let other = self.review(.employmentCertificate, Self.employment, expect: .init(name: "김영수"))
        #expect(other.verdict == .rejected)
        #expect(other.reasons.contains("name_mismatch"))
        let near = self.review(.employmentCertificate, Self.employment, expect: .init(name: "홍길등"))
        #expect(near.verdict == .needsReview, "one character off may be an OCR misreading")
        #expect(near.reasons.contains("name_near_mismatch"))
    }

    @Test func missingFieldsTitleAndConfidence() {
        let noCompany = self.review(.employmentCertificate, "재직증명서\n성명: 홍길동\n2024.01.15")
        #expect(noCompany.verdict == .needsReview)
        #expect(noCompany.reasons == ["missing_field:company"])
        let noTitle = self.review(.employmentCertificate, "성명: 홍길동\n회사명: 블루프린트")
        #expect(noTitle.reasons.contains("title_not_found"))
        #expect(noTitle.verdict == .needsReview)
        let blurry = self.review(.employmentCertificate, Self.employment, confidence: 40)
        #expect(blurry.reasons.contains("low_ocr_confidence"))
        #expect(blurry.verdict == .needsReview)
    }

    @Test func wrongKindBlankAndGarbage() {
        let wrong = self.review(.degreeCertificate, Self.employment)
        #expect(wrong.verdict == .rejected)
        #expect(wrong.reasons.contains("wrong_kind:employment_certificate"))
        let blank = self.reviewer.review(
            kind: .employmentCertificate, expect: nil, pages: [.init(text: " \n\n ", confidence: 0)], today: nil)
        #expect(blank.verdict == .rejected)
        #expect(blank.reasons == ["no_text"])
        #expect(blank.confidence == 0)
        let noise = self.review(
            .businessRegistration, String(repeating: "ㅁ|:;-_ 1 2 등록번호 : : 성명(대표자) ", count: 200), confidence: 20)
        #expect(noise.verdict != .autoApproved)
    }

    @Test func impossibleAndFutureDates() {
        let text = Self.employment.replacingOccurrences(of: "2020.03.02", with: "2021.02.29")
            .replacingOccurrences(of: "2024년 1월 15일", with: "발급일: 2026년 1월 15일")
        let review = self.review(.employmentCertificate, text)
        #expect(review.fields["employment_start"] == nil)
        #expect(review.reasons.contains("invalid_field:employment_start"))
        #expect(review.reasons.contains("issue_date_in_future"))
        #expect(review.verdict == .needsReview)
    }
}
