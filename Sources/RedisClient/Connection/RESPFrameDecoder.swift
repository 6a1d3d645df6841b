import NIOCore
import RESP

/// Adapts the pure ``RESPDecoder`` to NIO's single-step decoder protocol.
struct RESPFrameDecoder: NIOSingleStepByteToMessageDecoder {
    typealias InboundOut = RESPValue

    let decoder: RESPDecoder

    mutating func decode(buffer: inout ByteBuffer) throws -> RESPValue? {
        try self.decoder.decode(buffer: &buffer)
    }

    mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> RESPValue? {
        try self.decode(buffer: &buffer)
    }
}
