import NIOCore

/// INSTREAM chunk framing: each chunk is preceded by its length as a 4-byte big-endian unsigned
/// integer, and a zero length ends the stream.
///
/// ```
/// +----------------+-----------------+     +----------------+
/// | 00 00 10 00    | 4096 data bytes | ... | 00 00 00 00    |
/// +----------------+-----------------+     +----------------+
/// ```
///
/// clamd refuses (with `INSTREAM size limit exceeded. ERROR`, then closes) a stream longer than its
/// `StreamMaxLength`.
public enum ClamdStreamFraming {
    /// The largest chunk one frame can carry (the length field is 32 bits).
    public static let maximumChunkLength = Int(UInt32.max)

    /// Writes the length prefix of `chunk` and the chunk into `buffer`. An empty chunk writes
    /// nothing: a zero length would end the stream early (use ``writeTerminator(into:)``).
    public static func writeChunk(_ chunk: ByteBuffer, into buffer: inout ByteBuffer) {
        precondition(chunk.readableBytes <= maximumChunkLength, "INSTREAM chunk longer than 2^32-1 bytes")
        guard chunk.readableBytes > 0 else { return }
        buffer.writeInteger(UInt32(chunk.readableBytes), endianness: .big)
        var chunk = chunk
        buffer.writeBuffer(&chunk)
    }

    /// `chunk` framed in a new buffer (empty when `chunk` is empty).
    public static func frame(_ chunk: ByteBuffer) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(chunk.readableBytes + 4)
        self.writeChunk(chunk, into: &buffer)
        return buffer
    }

    /// Writes the zero-length frame that ends the stream.
    public static func writeTerminator(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt32(0), endianness: .big)
    }

    /// The zero-length frame that ends the stream.
    public static var terminator: ByteBuffer {
        var buffer = ByteBuffer()
        self.writeTerminator(into: &buffer)
        return buffer
    }
}
