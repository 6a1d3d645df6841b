/// One complete SMTP reply (RFC 5321 section 4.2): a three-digit code and one or more text lines.
///
/// A multi-line reply `250-first\r\n250-second\r\n250 last\r\n` becomes one value with three
/// lines. When the server uses enhanced status codes (RFC 3463, `2.1.0`), the code of the first
/// line is kept in ``enhancedCode`` and stripped from ``lines``.
public struct SMTPReply: Sendable, Hashable, CustomStringConvertible {
    /// The basic reply code, 200...599.
    public let code: Int
    /// The RFC 3463 enhanced status code of the first line (`5.1.1`), if the server sent one.
    public let enhancedCode: String?
    /// The text of every line without the code, separator or enhanced code.
    public let lines: [String]

    /// Builds a reply; `lines` must not be empty for a meaningful ``text``.
    public init(code: Int, enhancedCode: String? = nil, lines: [String]) {
        self.code = code
        self.enhancedCode = enhancedCode
        self.lines = lines
    }

    /// 2xx: the command succeeded.
    public var isPositiveCompletion: Bool { (200..<300).contains(self.code) }
    /// 3xx: the server waits for more (`354` after DATA, `334` during AUTH).
    public var isPositiveIntermediate: Bool { (300..<400).contains(self.code) }
    /// 4xx: a temporary failure; the same command may succeed later.
    public var isTransientNegative: Bool { (400..<500).contains(self.code) }
    /// 5xx: a permanent failure; repeating the command cannot help.
    public var isPermanentNegative: Bool { (500..<600).contains(self.code) }

    /// The lines joined by spaces.
    public var text: String { self.lines.joined(separator: " ") }

    /// `550 5.1.1 text`, bounded to 300 characters so it fits log lines and dead letters.
    public var description: String {
        var result = String(self.code)
        if let enhancedCode { result += " " + enhancedCode }
        let text = self.text
        if !text.isEmpty { result += " " + text }
        if result.count > 300 { result = String(result.prefix(297)) + "..." }
        return result
    }
}
