import NIOCore

/// Incremental parser of SMTP replies: feed it bytes as they arrive, take complete replies out.
///
/// ```
/// 250-mail.example.com greets you\r\n      continuation line: code, '-', text
/// 250-PIPELINING\r\n
/// 250 SMTPUTF8\r\n                          last line: code, ' ' (or nothing), text
/// ```
///
/// Partial input returns `nil` and leaves the buffer's reader index where the unfinished reply
/// starts, so byte-at-a-time feeding gives the same result as one chunk. Lines end with CRLF;
/// a bare LF is accepted (some servers send it), a bare CR is kept out of the text.
/// Limits bound memory on hostile input: a line longer than ``maximumLineLength`` or a reply with
/// more than ``maximumLines`` lines is an error, never an ever-growing buffer.
public struct SMTPReplyParser: Sendable {
    /// Longest accepted reply line in bytes, CRLF excluded (RFC 5321 asks for 512; servers exceed it).
    public var maximumLineLength: Int
    /// Most lines in one multi-line reply.
    public var maximumLines: Int

    public init(maximumLineLength: Int = 4096, maximumLines: Int = 200) {
        self.maximumLineLength = maximumLineLength
        self.maximumLines = maximumLines
    }

    /// Parses one complete reply from `buffer`, moving its reader index past it, or returns `nil`
    /// (reader index unchanged) when the reply is not complete yet.
    public func parse(_ buffer: inout ByteBuffer) throws(SMTPProtocolError) -> SMTPReply? {
        var cursor = buffer.readerIndex
        let end = buffer.writerIndex
        var code: Int?
        var lines: [String] = []
        var enhanced: String?
        while true {
            // Find the end of the line.
            guard let newline = buffer.withUnsafeReadableBytes({ bytes -> Int? in
                let start = cursor - buffer.readerIndex
                let limit = min(bytes.count, start + self.maximumLineLength + 2)
                var index = start
                while index < limit {
                    if bytes[index] == UInt8(ascii: "\n") { return index + buffer.readerIndex }
                    index += 1
                }
                return nil
            }) else {
                if end - cursor > self.maximumLineLength + 1 { throw .replyTooLong(limit: self.maximumLineLength) }
                return nil
            }
            var lineEnd = newline
            if lineEnd > cursor, buffer.getInteger(at: lineEnd - 1, as: UInt8.self) == UInt8(ascii: "\r") { lineEnd -= 1 }
            let line = buffer.getBytes(at: cursor, length: lineEnd - cursor) ?? []
            if line.count > self.maximumLineLength { throw .replyTooLong(limit: self.maximumLineLength) }
            cursor = newline + 1
            let (lineCode, isLast, text) = try Self.split(line)
            if let code, code != lineCode { throw .malformedReply("reply lines with different codes \(code) and \(lineCode)") }
            code = lineCode
            let parsed = Self.enhancedCode(in: text, basic: lineCode)
            if lines.isEmpty, let parsed {
                enhanced = parsed.0
                lines.append(parsed.1)
            } else if enhanced != nil, let parsed {
                lines.append(parsed.1)
            } else {
                lines.append(text)
            }
            if lines.count > self.maximumLines { throw .tooManyLines(limit: self.maximumLines) }
            if isLast {
                buffer.moveReaderIndex(to: cursor)
                return SMTPReply(code: lineCode, enhancedCode: enhanced, lines: lines)
            }
        }
    }

    /// Splits `250-text` / `250 text` / `250` into code, last-line flag and text.
    private static func split(_ line: [UInt8]) throws(SMTPProtocolError) -> (Int, Bool, String) {
        guard line.count >= 3, line[0] >= UInt8(ascii: "2"), line[0] <= UInt8(ascii: "5"),
            line[1] >= UInt8(ascii: "0"), line[1] <= UInt8(ascii: "9"),
            line[2] >= UInt8(ascii: "0"), line[2] <= UInt8(ascii: "9")
        else { throw .malformedReply("reply line does not start with a code 200-599") }
        let code = Int(line[0] - 48) * 100 + Int(line[1] - 48) * 10 + Int(line[2] - 48)
        if line.count == 3 { return (code, true, "") }
        let separator = line[3]
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else {
            throw .malformedReply("reply code not followed by space or hyphen")
        }
        // Text is meant to be ASCII; decode leniently so a hostile server cannot make us fail later.
        var textBytes = Array(line[4...])
        textBytes.removeAll { $0 == 0 || $0 == UInt8(ascii: "\r") }
        return (code, separator == UInt8(ascii: " "), String(decoding: textBytes, as: UTF8.self))
    }

    /// `5.1.1 rest` -> ("5.1.1", "rest") when the class digit matches the basic code.
    private static func enhancedCode(in text: String, basic: Int) -> (String, String)? {
        let token = text.prefix(while: { $0 != " " })
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            parts[0] == String(basic / 100)
        else { return nil }
        let rest = text.dropFirst(token.count).drop(while: { $0 == " " })
        return (String(token), String(rest))
    }
}
