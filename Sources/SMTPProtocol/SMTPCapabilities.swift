/// What a server offers, from its EHLO reply (RFC 5321 section 4.1.1.1).
///
/// The first line of the reply is the greeting; every further line is a keyword with optional
/// parameters (`AUTH PLAIN LOGIN`, `SIZE 35882577`). Keywords are case-insensitive.
public struct SMTPCapabilities: Sendable, Hashable {
    /// Upper-cased keyword -> its parameters as sent.
    public let extensions: [String: [String]]

    /// Parses the lines of a positive EHLO reply.
    public init(ehlo reply: SMTPReply) {
        var extensions: [String: [String]] = [:]
        for line in reply.lines.dropFirst() {
            var words = line.split(separator: " ").map(String.init)
            guard !words.isEmpty else { continue }
            let keyword = words.removeFirst().uppercased()
            // Old servers advertise `AUTH=LOGIN`; treat it like `AUTH LOGIN`.
            if keyword.hasPrefix("AUTH=") {
                extensions["AUTH", default: []].append(contentsOf: [String(keyword.dropFirst(5))] + words)
                continue
            }
            extensions[keyword, default: []].append(contentsOf: words)
        }
        self.extensions = extensions
    }

    /// Capabilities of a server that answered only HELO (no extensions).
    public init() { self.extensions = [:] }

    /// Whether `keyword` (case-insensitive) is offered.
    public func supports(_ keyword: String) -> Bool { self.extensions[keyword.uppercased()] != nil }

    /// RFC 2920: commands may be sent in groups without waiting for each reply.
    public var pipelining: Bool { self.supports("PIPELINING") }
    /// RFC 3207.
    public var startTLS: Bool { self.supports("STARTTLS") }
    /// RFC 6152: `BODY=8BITMIME` accepted.
    public var eightBitMIME: Bool { self.supports("8BITMIME") }
    /// RFC 6531: UTF-8 addresses and headers accepted with the `SMTPUTF8` parameter.
    public var smtpUTF8: Bool { self.supports("SMTPUTF8") }
    /// RFC 4954: upper-cased SASL mechanisms offered by `AUTH`.
    public var authMechanisms: Set<String> { Set((self.extensions["AUTH"] ?? []).map { $0.uppercased() }) }
    /// RFC 1870: largest message in bytes the server accepts, if it says (0 means no limit).
    public var maximumSize: Int? { self.extensions["SIZE"]?.first.flatMap { Int($0) } }
}
