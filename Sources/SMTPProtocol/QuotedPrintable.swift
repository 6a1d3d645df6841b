/// Quoted-printable body encoding (RFC 2045 section 6.7) of UTF-8 text.
///
/// Line breaks of the input (CRLF, LF or CR) become hard CRLF breaks; lines longer than 76
/// characters get soft breaks (`=` CRLF) never inside an `=XX` escape; spaces and tabs before a
/// break are escaped so no transport can strip them; a `.` at the start of a line is escaped so the
/// body never depends on SMTP dot-stuffing. The output is 7-bit ASCII.
public enum QuotedPrintable {
    /// Longest encoded line, soft-break `=` included.
    public static let maximumLineLength = 76
    private static let hex = Array("0123456789ABCDEF".utf8)

    /// Encodes `text`; the result ends with CRLF.
    public static func encode(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count * 2)
        for line in LineEndings.lines(of: Array(text.utf8)) {
            Self.encodeLine(line, into: &output)
            output.append(contentsOf: [0x0D, 0x0A])
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func encodeLine(_ line: ArraySlice<UInt8>, into output: inout [UInt8]) {
        var column = 0
        let last = line.indices.last
        for index in line.indices {
            let byte = line[index]
            let isTrailingSpace = (byte == 0x20 || byte == 0x09) && index == last
            let needsEscape = byte == UInt8(ascii: "=") || byte < 0x20 && byte != 0x09 || byte > 0x7E || isTrailingSpace
                || (byte == UInt8(ascii: ".") && column == 0)
            let width = needsEscape ? 3 : 1
            // Keep room for the soft-break '=' unless this is the very last piece of the line.
            let room = index == last ? Self.maximumLineLength : Self.maximumLineLength - 1
            if column + width > room {
                output.append(contentsOf: [UInt8(ascii: "="), 0x0D, 0x0A])
                column = 0
            }
            if needsEscape {
                output.append(UInt8(ascii: "="))
                output.append(Self.hex[Int(byte >> 4)])
                output.append(Self.hex[Int(byte & 0x0F)])
                column += 3
            } else {
                output.append(byte)
                column += 1
            }
        }
    }
}
