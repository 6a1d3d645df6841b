/// Masks personal data for logs: emails keep their first character and domain, phone numbers
/// their last four digits.
public enum PIIMask {
    /// `user@example.com` -> `u***@example.com`.
    public static func email(_ address: String) -> String {
        guard let at = address.lastIndex(of: "@"), at != address.startIndex else { return "***" }
        return String(address[address.startIndex]) + "***" + address[at...]
    }

    /// `+821012345678` -> `***5678`.
    public static func phone(_ number: String) -> String {
        let digits = number.filter(\.isNumber)
        return digits.count < 6 ? "***" : "***" + digits.suffix(4)
    }
}
