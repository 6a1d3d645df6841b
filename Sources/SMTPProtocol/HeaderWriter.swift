/// Writes header fields with folding (lines within 78 characters where the content allows) and
/// RFC 2047 encoding for non-ASCII text. Callers validate values before; this type only formats.
struct HeaderWriter {
    private(set) var bytes: [UInt8] = []

    /// A value that is known to be short printable ASCII.
    mutating func add(_ name: String, _ value: String) {
        self.bytes += Array("\(name): \(value)\r\n".utf8)
    }

    /// Unstructured text (Subject): verbatim when it is short ASCII, encoded-words otherwise.
    mutating func addText(_ name: String, _ value: String) {
        let used = name.utf8.count + 2
        if EncodedWord.isSafeVerbatim(value, maximumLength: 78 - used) {
            self.add(name, value)
        } else {
            self.bytes += Array("\(name): \(EncodedWord.encode(value, firstLineUsed: used).joined(separator: "\r\n "))\r\n".utf8)
        }
    }

    /// Address lists, one mailbox per folded line after the first.
    mutating func addAddresses(_ name: String, _ addresses: [MailAddress]) {
        let used = name.utf8.count + 2
        let mailboxes = addresses.map { address -> String in
            guard let displayName = address.displayName else { return address.address }
            let phrase = Self.phrase(displayName, firstLineUsed: used)
            // Keep the line within 78 characters: the address goes on its own folded line if needed.
            let lastLine = phrase.split(separator: "\n").last.map { $0.utf8.count } ?? 0
            let separator = (phrase.contains("\n") ? lastLine : used + lastLine) + address.address.utf8.count + 3 > 78 ? "\r\n " : " "
            return "\(phrase)\(separator)<\(address.address)>"
        }
        self.bytes += Array("\(name): \(mailboxes.joined(separator: ",\r\n "))\r\n".utf8)
    }

    /// A display name as an RFC 5322 phrase: atoms as they are, a quoted-string when it has
    /// specials, encoded-words when it is not ASCII.
    static func phrase(_ name: String, firstLineUsed: Int) -> String {
        if EncodedWord.isSafeVerbatim(name, maximumLength: 60) {
            let specials = Set("()<>[]:;@\\,.\"")
            if !name.contains(where: { specials.contains($0) }) { return name }
            return "\"" + name.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"") + "\""
        }
        return EncodedWord.encode(name, firstLineUsed: firstLineUsed).joined(separator: "\r\n ")
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
