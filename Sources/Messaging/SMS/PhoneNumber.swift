/// A phone number normalised for SMS providers.
///
/// Korean mobiles are accepted in every common spelling (`010-1234-5678`, `01012345678`,
/// `+82 10 1234 5678`, `82-10-1234-5678`) and give both forms providers want: national
/// (`01012345678`, NHN Cloud and Solapi) and E.164 (`+821012345678`, Twilio). Other countries
/// are accepted only in E.164 (`+15005550006`) and only providers that send abroad take them.
public struct PhoneNumber: Sendable, Hashable, CustomStringConvertible {
    /// `+821012345678`.
    public let e164: String
    /// `01012345678` for Korean numbers, `nil` for other countries.
    public let national: String?

    /// Parses `text`; throws a message free of the number itself.
    public init(_ text: String) throws(PhoneNumberError) {
        guard text.utf8.count <= 32 else { throw PhoneNumberError("phone number too long") }
        var digits = ""
        var plus = false
        for (index, character) in text.enumerated() {
            switch character {
            case "0"..."9": digits.append(character)
            case "+" where index == 0: plus = true
            case " ", "-", ".", "(", ")": continue
            default: throw PhoneNumberError("phone number contains invalid characters")
            }
        }
        var national: String?
        if plus || (digits.hasPrefix("82") && digits.count >= 11) {
            if digits.hasPrefix("82") {
                let rest = digits.dropFirst(2)
                national = rest.hasPrefix("0") ? String(rest) : "0" + rest
            } else {
                guard digits.first != "0", (8...15).contains(digits.count) else { throw PhoneNumberError("not a valid international number") }
                self.e164 = "+" + digits
                self.national = nil
                return
            }
        } else if digits.hasPrefix("0") {
            national = digits
        } else {
            throw PhoneNumberError("not a Korean mobile number (010-xxxx-xxxx) or an E.164 number (+...)")
        }
        guard let national, Self.isKoreanMobile(national) else { throw PhoneNumberError("not a valid Korean mobile number") }
        self.national = national
        self.e164 = "+82" + national.dropFirst()
    }

    /// 010 + 8 digits; legacy 011/016/017/018/019 + 7 or 8 digits.
    static func isKoreanMobile(_ national: String) -> Bool {
        guard national.hasPrefix("01"), national.count >= 10, national.count <= 11 else { return false }
        let third = national[national.index(national.startIndex, offsetBy: 2)]
        if third == "0" { return national.count == 11 }
        return "16789".contains(third)
    }

    /// `***5678` for logs.
    public var masked: String { "***" + self.e164.suffix(4) }

    public var description: String { self.masked }
}
