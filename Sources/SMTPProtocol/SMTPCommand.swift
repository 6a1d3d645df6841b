/// The client commands of RFC 5321 (and STARTTLS, AUTH), rendered as CRLF-terminated bytes.
///
/// Values come from validated types (``MailAddress``) or the client itself; ``bytes`` still
/// refuses CR, LF and NUL in any argument so no command can ever carry a second one.
public enum SMTPCommand: Sendable, Hashable {
    case ehlo(String)
    case helo(String)
    case startTLS
    /// `AUTH <mechanism> [initial response]`.
    case auth(mechanism: String, initialResponse: String?)
    /// A SASL continuation line (base64), answering a `334` challenge.
    case authResponse(String)
    /// `MAIL FROM:<address>` with ESMTP parameters (`BODY=8BITMIME`, `SMTPUTF8`).
    case mailFrom(String, parameters: [String])
    case rcptTo(String, parameters: [String])
    case data
    case rset
    case noop
    case quit

    /// The command line with its CRLF.
    public func bytes() throws(SMTPProtocolError) -> [UInt8] {
        let line: String
        switch self {
        case .ehlo(let domain): line = "EHLO \(domain)"
        case .helo(let domain): line = "HELO \(domain)"
        case .startTLS: line = "STARTTLS"
        case .auth(let mechanism, let initial): line = "AUTH \(mechanism)" + (initial.map { " \($0)" } ?? "")
        case .authResponse(let response): line = response
        case .mailFrom(let address, let parameters): line = (["MAIL FROM:<\(address)>"] + parameters).joined(separator: " ")
        case .rcptTo(let address, let parameters): line = (["RCPT TO:<\(address)>"] + parameters).joined(separator: " ")
        case .data: line = "DATA"
        case .rset: line = "RSET"
        case .noop: line = "NOOP"
        case .quit: line = "QUIT"
        }
        if MailAddress.hasForbiddenControl(line) { throw .headerInjection("command") }
        return Array(line.utf8) + [0x0D, 0x0A]
    }

    /// The verb, for logs and errors (`MAIL`, `RCPT`): never the arguments.
    public var verb: String {
        switch self {
        case .ehlo: "EHLO"
        case .helo: "HELO"
        case .startTLS: "STARTTLS"
        case .auth: "AUTH"
        case .authResponse: "AUTH (response)"
        case .mailFrom: "MAIL"
        case .rcptTo: "RCPT"
        case .data: "DATA"
        case .rset: "RSET"
        case .noop: "NOOP"
        case .quit: "QUIT"
        }
    }
}
