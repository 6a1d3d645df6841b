/// One reply of clamd, parsed from the text before its NUL terminator.
public enum ClamdReply: Sendable, Hashable {
    /// `PONG`.
    case pong
    /// The answer to `VERSION` (e.g. `ClamAV 1.4.6/27000/Thu Nov 26 2026`).
    case version(String)
    /// `stream: OK`.
    case clean
    /// `stream: <signature> FOUND`.
    case found(signature: String)
    /// `INSTREAM size limit exceeded. ERROR`: the stream was longer than clamd's `StreamMaxLength`.
    case sizeLimitExceeded
    /// Any other `... ERROR` reply, with clamd's text (it names no file content).
    case error(String)
}

extension ClamdReply {
    /// The longest reply accepted; a signature name is far shorter. Longer input is garbage.
    public static let maximumLength = 1024

    /// Parses the reply to `INSTREAM`.
    ///
    /// Anything that is not `stream: OK`, `stream: NAME FOUND` or `... ERROR` (including an empty
    /// reply, a signature name with control characters, or text that is not UTF-8) is an
    /// ``ClamdError/invalidReply`` error.
    public static func parseScanReply(_ bytes: some Collection<UInt8>) throws(ClamdError) -> ClamdReply {
        let text = try Self.text(of: bytes)
        if text.hasSuffix(" ERROR") || text == "ERROR" {
            if text.hasPrefix("INSTREAM size limit exceeded") { return .sizeLimitExceeded }
            let message = text.dropLast("ERROR".count).trimmingSpaces()
            return .error(message.isEmpty ? "unspecified error" : message)
        }
        guard text.hasPrefix("stream: ") else { throw .invalidReply(text) }
        let rest = text.dropFirst("stream: ".count)
        if rest == "OK" { return .clean }
        guard rest.hasSuffix(" FOUND") else { throw .invalidReply(text) }
        let signature = rest.dropLast(" FOUND".count).trimmingSpaces()
        guard !signature.isEmpty, !signature.contains(" FOUND") else { throw .invalidReply(text) }
        return .found(signature: signature)
    }

    /// Parses the reply to `PING`: `PONG`, else ``ClamdError/invalidReply``.
    public static func parsePingReply(_ bytes: some Collection<UInt8>) throws(ClamdError) -> ClamdReply {
        let text = try Self.text(of: bytes)
        guard text == "PONG" else { throw .invalidReply(text) }
        return .pong
    }

    /// Parses the reply to `VERSION`: `ClamAV <version>...`, else ``ClamdError/invalidReply``.
    public static func parseVersionReply(_ bytes: some Collection<UInt8>) throws(ClamdError) -> ClamdReply {
        let text = try Self.text(of: bytes)
        guard text.hasPrefix("ClamAV ") else { throw .invalidReply(text) }
        return .version(text)
    }

    /// The reply as printable text: a trailing NUL or newline is dropped; control characters,
    /// invalid UTF-8, empty or overlong input are refused.
    private static func text(of bytes: some Collection<UInt8>) throws(ClamdError) -> String {
        var bytes = Array(bytes)
        while let last = bytes.last, last == 0 || last == UInt8(ascii: "\n") { bytes.removeLast() }
        guard !bytes.isEmpty else { throw .invalidReply("empty reply") }
        guard bytes.count <= Self.maximumLength else {
            throw .invalidReply("reply longer than \(Self.maximumLength) bytes")
        }
        guard bytes.allSatisfy({ $0 >= 0x20 && $0 != 0x7F }) else { throw .invalidReply("control characters in reply") }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .invalidReply("reply is not UTF-8") }
        return text
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
