/// A W3C Trace Context `traceparent` value (https://www.w3.org/TR/trace-context/#traceparent-header):
/// `00-<trace-id: 32 hex>-<parent-id: 16 hex>-<trace-flags: 2 hex>`.
///
/// Pure value type: parses and formats, no I/O. The worker reads it from a job's `traceparent`
/// stream field, which any producer may write, so parsing is strict and bounded:
/// lowercase hex only, all-zero IDs refused, version `ff` refused, at most
/// ``maximumLength`` characters. A later version (`01`...`fe`) is read by its version-00 prefix,
/// as the specification asks, when what follows is `-` and more fields.
public struct TraceParent: Sendable, Hashable, CustomStringConvertible {
    /// The trace ID: 32 lowercase hex digits, not all zero.
    public let traceID: String
    /// The parent span ID: 16 lowercase hex digits, not all zero.
    public let spanID: String
    /// The trace flags byte; bit 0 is "sampled".
    public let flags: UInt8

    /// The longest value read; anything longer is refused without scanning it.
    public static let maximumLength = 256

    /// A trace parent from its parts.
    ///
    /// - Throws: ``TraceParentError`` when an ID is not lowercase hex of the right length, or all zero.
    public init(traceID: String, spanID: String, flags: UInt8 = 0x01) throws(TraceParentError) {
        guard Self.isID(traceID.utf8, length: 32) else { throw .invalidTraceID }
        guard Self.isID(spanID.utf8, length: 16) else { throw .invalidSpanID }
        self.traceID = traceID
        self.spanID = spanID
        self.flags = flags
    }

    /// Parses a `traceparent` value.
    ///
    /// - Throws: ``TraceParentError`` naming what is wrong (never the value itself).
    public init(parsing text: String) throws(TraceParentError) {
        let bytes = Array(text.utf8.prefix(Self.maximumLength + 1))
        guard bytes.count <= Self.maximumLength else { throw .tooLong }
        // version(2) - trace-id(32) - parent-id(16) - flags(2) = 55 bytes.
        guard bytes.count >= 55 else { throw .truncated }
        guard let version = Self.hexByte(bytes[0], bytes[1]) else { throw .invalidVersion }
        guard version != 0xFF else { throw .invalidVersion }
        guard bytes[2] == UInt8(ascii: "-"), bytes[35] == UInt8(ascii: "-"), bytes[52] == UInt8(ascii: "-") else {
            throw .malformed
        }
        if version == 0 {
            guard bytes.count == 55 else { throw .malformed }
        } else if bytes.count > 55 {
            // A future version may append fields, each after a "-".
            guard bytes[55] == UInt8(ascii: "-") else { throw .malformed }
        }
        let traceID = bytes[3..<35]
        let spanID = bytes[36..<52]
        guard Self.isID(traceID, length: 32) else { throw .invalidTraceID }
        guard Self.isID(spanID, length: 16) else { throw .invalidSpanID }
        guard let flags = Self.hexByte(bytes[53], bytes[54]) else { throw .invalidFlags }
        self.traceID = String(decoding: traceID, as: UTF8.self)
        self.spanID = String(decoding: spanID, as: UTF8.self)
        self.flags = flags
    }

    /// Whether the producer sampled the trace (flags bit 0).
    public var isSampled: Bool { self.flags & 0x01 != 0 }

    /// The version-00 text form, e.g. `00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01`.
    public var description: String {
        let hex = Array("0123456789abcdef".utf8)
        let flagsText = String(decoding: [hex[Int(self.flags >> 4)], hex[Int(self.flags & 0x0F)]], as: UTF8.self)
        return "00-\(self.traceID)-\(self.spanID)-\(flagsText)"
    }

    /// `length` lowercase hex digits, not all `0`.
    private static func isID(_ bytes: some Collection<UInt8>, length: Int) -> Bool {
        guard bytes.count == length else { return false }
        var allZero = true
        for byte in bytes {
            guard Self.hexValue(byte) != nil else { return false }
            if byte != UInt8(ascii: "0") { allZero = false }
        }
        return !allZero
    }

    private static func hexByte(_ high: UInt8, _ low: UInt8) -> UInt8? {
        guard let high = Self.hexValue(high), let low = Self.hexValue(low) else { return nil }
        return high << 4 | low
    }

    /// The value of a lowercase hex digit (the specification allows no uppercase).
    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
