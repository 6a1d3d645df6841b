import RESP

/// Recognises a pub/sub message on a RESP2 connection in subscribed mode. Pure: no I/O.
///
/// RESP3 delivers messages as push frames (`>`), which cannot be mistaken for replies. RESP2 has no
/// push type: after `SUBSCRIBE` the server sends messages as plain arrays
/// `["message", channel, payload]` (`["pmessage", pattern, channel, payload]`,
/// `["smessage", channel, payload]` for the other kinds), unasked. A connection that subscribed
/// over RESP2 routes these to its push handler instead of matching them to a request.
enum RESP2PubSubMessage {
    /// Whether `value` is a RESP2 pub/sub message frame: an array of 3 (`message`, `smessage`) or
    /// 4 (`pmessage`) elements whose first element is that kind as a bulk or simple string.
    static func isMessage(_ value: RESPValue) -> Bool {
        guard case .array(let items) = value, items.count == 3 || items.count == 4 else { return false }
        let kind: String
        switch items[items.startIndex] {
        case .bulkString(let bytes) where bytes.readableBytes <= 8,
            .simpleString(let bytes) where bytes.readableBytes <= 8:
            kind = String(buffer: bytes)
        default:
            return false
        }
        switch kind.lowercased() {
        case "message", "smessage": return items.count == 3
        case "pmessage": return items.count == 4
        default: return false
        }
    }
}
