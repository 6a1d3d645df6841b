/// An email to build: sender, recipients, subject and a text body with an optional HTML body.
///
/// ``render()`` produces the RFC 5322 / MIME bytes (CRLF line endings, 7-bit clean). Every header
/// value is checked: CR, LF or NUL anywhere is refused as header injection, nothing is built.
public struct MailMessage: Sendable, Hashable {
    /// `From:` (and, by default, the envelope sender).
    public var from: MailAddress
    /// `To:`; at least one.
    public var to: [MailAddress]
    /// `Reply-To:`, if any.
    public var replyTo: MailAddress?
    /// The subject, any Unicode text of at most ``maximumSubjectLength`` characters.
    public var subject: String
    /// The plain-text body (first alternative).
    public var text: String
    /// The HTML body (second alternative), if any.
    public var html: String?
    /// `Message-ID:` without brackets (`id@domain`); generated when `nil`.
    public var messageID: String?
    /// `Date:`, seconds since 1970 (UTC).
    public var date: Int64
    /// Extra headers (`X-Blueprint-Job`), name and value; both validated.
    public var extraHeaders: [(String, String)]

    /// Longest subject accepted, in characters (RFC 5322's line limit, before encoding).
    public static let maximumSubjectLength = 998
    /// Largest body accepted, in UTF-8 bytes.
    public static let maximumBodyBytes = 10 << 20

    public init(
        from: MailAddress, to: [MailAddress], replyTo: MailAddress? = nil, subject: String, text: String, html: String? = nil,
        messageID: String? = nil, date: Int64, extraHeaders: [(String, String)] = []
    ) {
        self.from = from
        self.to = to
        self.replyTo = replyTo
        self.subject = subject
        self.text = text
        self.html = html
        self.messageID = messageID
        self.date = date
        self.extraHeaders = extraHeaders
    }

    public static func == (lhs: MailMessage, rhs: MailMessage) -> Bool {
        lhs.from == rhs.from && lhs.to == rhs.to && lhs.replyTo == rhs.replyTo && lhs.subject == rhs.subject && lhs.text == rhs.text
            && lhs.html == rhs.html && lhs.messageID == rhs.messageID && lhs.date == rhs.date
            && lhs.extraHeaders.map(\.0) == rhs.extraHeaders.map(\.0) && lhs.extraHeaders.map(\.1) == rhs.extraHeaders.map(\.1)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.from)
        hasher.combine(self.to)
        hasher.combine(self.subject)
        hasher.combine(self.messageID)
    }

    /// Whether any address needs SMTPUTF8.
    public var requiresSMTPUTF8: Bool { self.from.requiresSMTPUTF8 || self.to.contains { $0.requiresSMTPUTF8 } }

    /// Builds the message bytes. `boundary` and the generated Message-ID come from `random` so tests
    /// can be deterministic.
    public func render(using random: inout some RandomNumberGenerator) throws(SMTPProtocolError) -> [UInt8] {
        guard !self.to.isEmpty else { throw .invalidMessage("no recipient") }
        if MailAddress.hasForbiddenControl(self.subject) { throw .headerInjection("subject") }
        if self.subject.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }) {
            throw .invalidHeader("subject", "contains control characters")
        }
        guard self.subject.count <= Self.maximumSubjectLength, self.subject.utf8.count <= 4 * Self.maximumSubjectLength else {
            throw .invalidHeader("subject", "longer than \(Self.maximumSubjectLength) characters")
        }
        guard self.text.utf8.count + (self.html?.utf8.count ?? 0) <= Self.maximumBodyBytes else {
            throw .invalidMessage("body larger than \(Self.maximumBodyBytes) bytes")
        }
        if self.text.utf8.contains(0) || self.html?.utf8.contains(0) == true { throw .invalidMessage("body contains NUL") }

        var headers = HeaderWriter()
        headers.add("Date", RFC5322Date.format(secondsSince1970: self.date))
        headers.addAddresses("From", [self.from])
        headers.addAddresses("To", self.to)
        if let replyTo { headers.addAddresses("Reply-To", [replyTo]) }
        let messageID = self.messageID ?? "\(Self.randomToken(using: &random))@\(self.from.domain)"
        if MailAddress.hasForbiddenControl(messageID) || messageID.contains(where: { $0 == "<" || $0 == ">" || $0 == " " }) {
            throw .headerInjection("message_id")
        }
        headers.add("Message-ID", "<\(messageID)>")
        headers.addText("Subject", self.subject)
        for (name, value) in self.extraHeaders {
            guard !name.isEmpty, name.utf8.count <= 76, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }) else {
                throw .invalidHeader("extra header", "name must be printable ASCII without ':'")
            }
            if MailAddress.hasForbiddenControl(value) { throw .headerInjection(name) }
            headers.addText(name, value)
        }
        headers.add("MIME-Version", "1.0")

        var output = headers.bytes
        if let html {
            let boundary = "=_bp_" + Self.randomToken(using: &random)
            output += Array("Content-Type: multipart/alternative; boundary=\"\(boundary)\"\r\n\r\n".utf8)
            output += Array("This is a multi-part message in MIME format.\r\n".utf8)
            output += Array("--\(boundary)\r\n".utf8)
            output += Self.part(self.text, subtype: "plain")
            output += Array("--\(boundary)\r\n".utf8)
            output += Self.part(html, subtype: "html")
            output += Array("--\(boundary)--\r\n".utf8)
        } else {
            output += Self.part(self.text, subtype: "plain")
        }
        return output
    }

    /// Builds the message bytes with the system random generator.
    public func render() throws(SMTPProtocolError) -> [UInt8] {
        var random = SystemRandomNumberGenerator()
        return try self.render(using: &random)
    }

    /// A body part: its Content-Type and Content-Transfer-Encoding headers, a blank line, the body.
    /// Mostly-ASCII text is quoted-printable (readable on the wire); text with many non-ASCII bytes
    /// (Korean) is base64, which is a third of QP's size for it.
    static func part(_ body: String, subtype: String) -> [UInt8] {
        let nonASCII = body.utf8.lazy.filter { $0 >= 0x80 }.count
        let useBase64 = nonASCII * 3 > body.utf8.count
        var output = Array("Content-Type: text/\(subtype); charset=UTF-8\r\n".utf8)
        if useBase64 {
            output += Array("Content-Transfer-Encoding: base64\r\n\r\n".utf8)
            output += Array(Base64.encodeLines(LineEndings.normalized(Array(body.utf8))).utf8)
        } else {
            output += Array("Content-Transfer-Encoding: quoted-printable\r\n\r\n".utf8)
            output += Array(QuotedPrintable.encode(body).utf8)
        }
        return output
    }

    static func randomToken(using random: inout some RandomNumberGenerator) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<24).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
    }
}
