/// SMS or LMS, chosen the way Korean carriers count: EUC-KR bytes, SMS up to 90.
///
/// EUC-KR is counted without a converter: ASCII is 1 byte; Hangul syllables, Hangul jamo, CJK
/// ideographs, full-width forms and the other KS X 1001 symbols are 2. Characters EUC-KR cannot
/// encode at all (emoji) are counted as 2 as well: providers substitute or reject them, and
/// counting them keeps long texts out of SMS.
public enum SMSEncoding {
    /// Longest SMS body in EUC-KR bytes.
    public static let smsLimit = 90
    /// Longest LMS body in EUC-KR bytes (the carriers' 2,000).
    public static let lmsLimit = 2000

    /// The EUC-KR length of `text`.
    public static func eucKRLength(_ text: String) -> Int {
        var length = 0
        for scalar in text.unicodeScalars {
            if scalar.value == 0x0D { continue }  // CRLF counts like LF
            length += scalar.isASCII ? 1 : 2
        }
        return length
    }

    /// `.sms` when the text fits 90 bytes, `.lms` otherwise.
    public static func kind(of text: String) -> SMSKind {
        Self.eucKRLength(text) <= Self.smsLimit ? .sms : .lms
    }
}
