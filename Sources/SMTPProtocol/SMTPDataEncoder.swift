import NIOCore

/// Turns a message into the bytes sent after `DATA` (RFC 5321 section 4.5.2).
///
/// Line endings are normalised to CRLF, every line that starts with `.` gets a second `.`
/// (dot-stuffing, so a lone `.` line in the content cannot end the message early) and the
/// terminator `CRLF . CRLF` is appended.
public enum SMTPDataEncoder {
    /// The DATA payload of `message`, terminator included.
    public static func encode(_ message: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(message.count + message.count / 64 + 8)
        for line in LineEndings.lines(of: message) {
            if line.first == UInt8(ascii: ".") { output.append(UInt8(ascii: ".")) }
            output.append(contentsOf: line)
            output.append(contentsOf: [0x0D, 0x0A])
        }
        output.append(contentsOf: [UInt8(ascii: "."), 0x0D, 0x0A])
        return output
    }

    /// Writes the DATA payload of `message` into `buffer`.
    public static func write(_ message: [UInt8], into buffer: inout ByteBuffer) {
        buffer.writeBytes(Self.encode(message))
    }
}
