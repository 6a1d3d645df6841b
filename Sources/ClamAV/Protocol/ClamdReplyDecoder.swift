import NIOCore

/// Splits clamd's byte stream into NUL-terminated replies (the `z` command form).
///
/// A value type fed `ByteBuffer`s: it returns `nil` on partial input and refuses a reply longer
/// than ``ClamdReply/maximumLength`` (a peer that is not clamd could otherwise make us buffer
/// without bound). Bytes left without a terminator at end of stream are a truncated reply.
public struct ClamdReplyDecoder: NIOSingleStepByteToMessageDecoder, Sendable {
    public typealias InboundOut = ByteBuffer

    public init() {}

    public mutating func decode(buffer: inout ByteBuffer) throws -> ByteBuffer? {
        let view = buffer.readableBytesView
        guard let end = view.firstIndex(of: 0) else {
            guard view.count <= ClamdReply.maximumLength else {
                throw ClamdError.invalidReply("no terminator within \(ClamdReply.maximumLength) bytes")
            }
            return nil
        }
        let length = end - view.startIndex
        guard length <= ClamdReply.maximumLength else {
            throw ClamdError.invalidReply("reply longer than \(ClamdReply.maximumLength) bytes")
        }
        let reply = buffer.readSlice(length: length)
        buffer.moveReaderIndex(forwardBy: 1)
        return reply
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> ByteBuffer? {
        if let reply = try self.decode(buffer: &buffer) { return reply }
        // clamd without the `z` form, or a newline-terminated error, may end with EOF instead.
        guard buffer.readableBytes > 0 else { return nil }
        return buffer.readSlice(length: buffer.readableBytes)
    }
}
