/// Line-ending normalisation: every CRLF, bare LF and bare CR becomes one line break, so no bare
/// CR or LF ever reaches the SMTP wire (RFC 5321 section 2.3.8).
public enum LineEndings {
    /// The lines of `bytes` without their terminators. A trailing line break does not add an
    /// empty last line; empty input is one empty line.
    public static func lines(of bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D || byte == 0x0A {
                result.append(bytes[start..<index])
                if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
                start = index + 1
            }
            index += 1
        }
        if start < bytes.count || result.isEmpty { result.append(bytes[start..<bytes.count]) }
        return result
    }

    /// `bytes` with every line ending made CRLF and a final CRLF.
    public static func normalized(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 32 + 2)
        for line in Self.lines(of: bytes) {
            output.append(contentsOf: line)
            output.append(contentsOf: [0x0D, 0x0A])
        }
        return output
    }
}
