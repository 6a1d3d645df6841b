import Messaging
import TestSupport
import Testing

/// `send_verification_code` and `send_sms_code` accept the same codes: exactly six ASCII digits.
@Suite struct VerificationCodeTests {
    @Test(arguments: ["123456", "000000", "999999", "048213"])
    func sixASCIIDigitsAreValid(_ code: String) {
        #expect(VerificationCode.isValid(code))
    }

    @Test(arguments: [
        "",  // empty
        "12345",  // too short
        "1234567",  // 7 digits (SMS used to take 4 to 8)
        "1234",  // the old SMS minimum
        "12345678",  // the old SMS maximum
        "12ab56",  // letters
        "abcdef",
        "１２３４５６",  // full-width digits
        "١٢٣٤٥٦",  // Arabic-Indic digits
        "12 456",  // space
        " 123456",  // padding
        "123456\n",  // trailing newline
        "-12345",  // sign
        "+12345",
        "12345\u{0}",  // NUL
        "1\u{0301}23456",  // a combining mark on a digit
        "12.456",
    ])
    func everythingElseIsRefused(_ code: String) {
        #expect(!VerificationCode.isValid(code))
    }
}
