/// Generates `Message-ID` values: random, unique, and under the sender's domain.
public enum MessageID {
    /// `<24 random characters>.blueprint@<domain>` (no brackets).
    public static func make(domain: String) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        let token = String((0..<24).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
        return "\(token).blueprint@\(domain)"
    }
}
