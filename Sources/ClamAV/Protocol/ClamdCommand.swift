import NIOCore

/// The clamd commands this client sends, in the NUL-terminated `z` form.
///
/// The `z` prefix makes clamd terminate its reply with a NUL byte instead of a newline, so a reply
/// can never be confused with a signature name that contains a newline.
///
/// ```
/// zPING\0      -> PONG\0
/// zVERSION\0   -> ClamAV 1.4.6/27000/...\0
/// zINSTREAM\0  <chunks...> <0000 terminator> -> stream: OK\0 | stream: NAME FOUND\0 | ... ERROR\0
/// ```
public enum ClamdCommand: Sendable, Hashable {
    /// Liveness check; the answer is `PONG`.
    case ping
    /// The engine and database version.
    case version
    /// Starts a stream scan: chunks framed by ``ClamdStreamFraming`` follow.
    case instream

    /// The command name as clamd spells it.
    public var name: String {
        switch self {
        case .ping: "PING"
        case .version: "VERSION"
        case .instream: "INSTREAM"
        }
    }

    /// Writes `z<NAME>\0` into `buffer`.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "z"))
        buffer.writeString(self.name)
        buffer.writeInteger(UInt8(0))
    }

    /// The encoded command in a new buffer.
    public var encoded: ByteBuffer {
        var buffer = ByteBuffer()
        self.encode(into: &buffer)
        return buffer
    }
}
