import NIOCore
import SMTPProtocol

/// What the connection writes: bytes (one or more pipelined commands, or message data) and one
/// promise per reply those bytes will produce, in order.
struct SMTPOutbound: Sendable {
    var bytes: ByteBuffer
    var replies: [EventLoopPromise<SMTPReply>]
}
