import JobEngine

/// The one-time codes of `send_verification_code` (email) and `send_sms_code` (SMS): exactly six
/// ASCII digits, the shape the main server generates and the user types back.
///
/// Both job types check the code with this one rule, so a producer bug (a 7-digit code, a code
/// with letters or full-width digits) fails the same way on both channels instead of reaching a
/// user on one of them.
public enum VerificationCode {
    /// Digits in a code.
    public static let length = 6

    /// Whether `code` is exactly six ASCII digits `0`-`9` (no signs, spaces, letters, or digits
    /// of other scripts such as full-width `１`).
    public static func isValid(_ code: String) -> Bool {
        code.utf8.count == Self.length && code.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// Throws the permanent error both job types report for an invalid `code` (it never contains the code).
    static func validate(_ code: String) throws(JobError) {
        guard Self.isValid(code) else {
            throw .permanent("invalid arguments: argument 'code' must be exactly \(Self.length) digits")
        }
    }
}
