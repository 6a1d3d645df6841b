import Foundation
import Testing

@testable import Verification

@Suite("review_document validators: business numbers, names, dates, resident numbers")
struct DocumentsValidatorTests {
    // Check digits worked out by hand with weights 1,3,7,1,3,7,1,3,5 and the carry:
    // 124-81-00998: 1+6+28+8+3+0+0+27+45 = 118, + (9*5)/10 = 4 -> 122, (10 - 2) % 10 = 8.
    // 220-81-62517: 2+6+0+8+3+42+2+15+5 = 83, + (1*5)/10 = 0 -> 83, (10 - 3) % 10 = 7.
    // 101-86-00011: 1+0+7+8+18+0+0+0+5 = 39, + (1*5)/10 = 0 -> 39, (10 - 9) % 10 = 1.
    @Test func businessNumberChecksum() {
        #expect(BusinessRegistrationNumber("124-81-00998")?.digits == "1248100998")
        #expect(BusinessRegistrationNumber("2208162517")?.formatted == "220-81-62517")
        #expect(BusinessRegistrationNumber("220 81 62517") != nil)
        #expect(BusinessRegistrationNumber("101-86-00011") != nil)
        #expect(BusinessRegistrationNumber("101-86-00018") == nil)
        #expect(BusinessRegistrationNumber("124-81-00997") == nil)
        #expect(BusinessRegistrationNumber("124-81-0099") == nil)
        #expect(BusinessRegistrationNumber("124-81-009981") == nil)
        #expect(BusinessRegistrationNumber("000-00-00000") == nil)
        #expect(BusinessRegistrationNumber("abc-de-fghij") == nil)
        #expect(BusinessRegistrationNumber("１２４-81-00998") == nil, "full-width digits are not ASCII digits")
        #expect(BusinessRegistrationNumber("") == nil)
    }

    @Test("the carry of the ninth digit matters: a number valid only with it")
    func carry() {
        // 123-45-6789?: 1+6+21+4+15+42+7+24+45 = 165, carry (9*5)/10 = 4 -> 169, check (10 - 9) % 10 = 1.
        #expect(BusinessRegistrationNumber("123-45-67891") != nil)
        // Without the carry the check would be (10 - 5) % 10 = 5.
        #expect(BusinessRegistrationNumber("123-45-67895") == nil)
        #expect(BusinessRegistrationNumber.checkDigit([1, 2, 3, 4, 5, 6, 7, 8, 9]) == 1)
    }

    @Test func namesMatchAcrossNormalisationAndSpacing() throws {
        let composed = try #require(HangulName("홍길동"))
        let decomposed = "홍길동".decomposedStringWithCanonicalMapping
        #expect(
            decomposed.unicodeScalars.count == 9 && "홍길동".unicodeScalars.count == 3,
            "the test input really is decomposed jamo")
        #expect(try #require(HangulName(decomposed)).matches(composed))
        #expect(try #require(HangulName("홍 길 동")).matches(composed))
        #expect(try #require(HangulName("블루프린트 주식회사")).matches(try #require(HangulName("블루프린트주식회사"))))
        #expect(try #require(HangulName("Kim Minsu")).matches(try #require(HangulName("KIM MINSU"))))
        #expect(!(try #require(HangulName("홍길순")).matches(composed)))
        #expect(try #require(HangulName("홍길순")).distance(to: composed) == 1)
        #expect(try #require(HangulName("김철수")).distance(to: composed) == 3)
        #expect(HangulName("   ") == nil)
    }

    @Test func datesInEveryCommonShape() {
        for text in [
            "2024.01.15", "2024. 1. 15.", "2024-01-15", "2024/1/15", "2024년 1월 15일", "2024 년 01 월 15 일", " 2024.01.15 ",
        ] {
            #expect(DocumentDate(parsing: text)?.description == "2024-01-15", "\(text)")
        }
        #expect(DocumentDate(parsing: "2024.02.29")?.description == "2024-02-29")
        #expect(DocumentDate(parsing: "2000.02.29") != nil)
        for impossible in [
            "2023.02.29", "1900.02.29", "2024.13.01", "2024.04.31", "2024.00.10", "2024.01.00", "2024.01.32",
            "1850.01.01",
        ] {
            #expect(DocumentDate(parsing: impossible) == nil, "\(impossible)")
        }
        for garbage in ["", "2024", "20240115x", "12024.01.15", "2024.01.15 and 2024.01.16", "어제"] {
            #expect(DocumentDate(parsing: garbage) == nil, "\(garbage)")
        }
        #expect(DocumentDate.first(in: "재직기간: 2020.03.02 ~ 현재")?.description == "2020-03-02")
        #expect(DocumentDate.first(in: "2023.02.30 ~ 2023.03.01")?.description == "2023-03-01")
    }

    @Test func residentNumbersAreMasked() {
        #expect(ResidentRegistrationNumber.mask("주민등록번호: 900101-1234567") == "주민등록번호: 900101-1******")
        #expect(ResidentRegistrationNumber.mask("900101 - 2345678 끝") == "900101-2****** 끝")
        #expect(ResidentRegistrationNumber.mask("0101014123456") == "010101-4******")
        #expect(
            ResidentRegistrationNumber.mask("전화 010-1234-5678") == "전화 010-1234-5678",
            "phone numbers are not resident numbers")
        #expect(
            ResidentRegistrationNumber.mask("12900101-1234567") == "12900101-1234567",
            "digits touching it: not a resident number")
        #expect(ResidentRegistrationNumber.birthDate(of: "900101-1******")?.description == "1990-01-01")
        #expect(ResidentRegistrationNumber.birthDate(of: "050301-4******")?.description == "2005-03-01")
        #expect(ResidentRegistrationNumber.birthDate(of: "991331-1******") == nil)
    }
}
