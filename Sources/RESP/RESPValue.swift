import NIOCore

/// One decoded RESP2/RESP3 value.
///
/// Strings are kept as `ByteBuffer` slices of the received bytes (no copy, no UTF-8 assumption).
/// Attributes (`|`) are delivered as ``attribute(_:value:)`` wrapping the value they annotate.
public indirect enum RESPValue: Sendable, Hashable {
    /// `+OK\r\n`
    case simpleString(ByteBuffer)
    /// `-ERR message\r\n` — a server error reply (RESP2 and RESP3).
    case simpleError(ByteBuffer)
    /// `:42\r\n`
    case integer(Int64)
    /// `$5\r\nhello\r\n`
    case bulkString(ByteBuffer)
    /// `_\r\n` (RESP3), `$-1\r\n` and `*-1\r\n` (RESP2).
    case null
    /// `#t\r\n` / `#f\r\n`
    case boolean(Bool)
    /// `,3.14\r\n` (also `inf`, `-inf`, `nan`)
    case double(Double)
    /// `(3492890328409238509324850943850943825024385\r\n`, kept as its decimal text.
    case bigNumber(String)
    /// `!21\r\nSYNTAX invalid syntax\r\n`
    case bulkError(ByteBuffer)
    /// `=15\r\ntxt:Some string\r\n`: a three-letter format and the text.
    case verbatimString(format: String, ByteBuffer)
    /// `*2\r\n...`
    case array([RESPValue])
    /// `%1\r\n<key><value>` — pairs in wire order.
    case map([RESPMapEntry])
    /// `~2\r\n...`
    case set([RESPValue])
    /// `>3\r\n...` — out-of-band data (pub/sub messages, invalidations); never a command reply.
    case push([RESPValue])
    /// `|1\r\n<key><value><value>` — attributes that annotate the value following them.
    case attribute([RESPMapEntry], value: RESPValue)
}

/// One key/value pair of a RESP3 map or attribute.
public struct RESPMapEntry: Sendable, Hashable {
    public var key: RESPValue
    public var value: RESPValue
    public init(key: RESPValue, value: RESPValue) {
        self.key = key
        self.value = value
    }
}
