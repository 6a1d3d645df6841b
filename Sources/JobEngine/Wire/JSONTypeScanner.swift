/// A strict, allocation-light JSON syntax check that also finds the top-level `"type"` string.
///
/// The engine needs a job's type before it knows which arguments to decode; a full
/// `JSONDecoder` pass for one key cost as much as decoding the arguments. This scanner walks the
/// bytes once (RFC 8259 grammar, nesting capped) and returns the unescaped `type` value.
struct JSONTypeScanner {
    /// What the scan found.
    enum Result: Equatable {
        case type(String)
        /// Valid JSON object without a top-level `"type"`.
        case missingType
        /// `"type"` is present but not a string.
        case typeNotString
        /// Not valid JSON (or nested deeper than the cap).
        case invalid
        /// Valid JSON, but not an object.
        case notObject
    }

    static let maximumDepth = 64

    static func scan(_ bytes: UnsafeRawBufferPointer) -> Result {
        self.scanCountingKeys(bytes).result
    }

    /// ``scan(_:)``, plus how many keys the top-level object has (0 unless the result is ``Result/type(_:)``
    /// or ``Result/typeNotString``): `{"type":"t"}` alone has arguments that decode without `JSONDecoder`.
    static func scanCountingKeys(_ bytes: UnsafeRawBufferPointer) -> (result: Result, topLevelKeys: Int) {
        var scanner = Scanner(bytes: bytes)
        scanner.skipWhitespace()
        guard scanner.peek() == UInt8(ascii: "{") else {
            // Distinguish "valid but not an object" from garbage for a clearer message.
            guard scanner.value(depth: 0), scanner.atEndAfterWhitespace() else { return (.invalid, 0) }
            return (.notObject, 0)
        }
        var found: Result = .missingType
        guard scanner.object(depth: 0, topLevel: &found), scanner.atEndAfterWhitespace() else { return (.invalid, 0) }
        return (found, scanner.topLevelKeys)
    }

    private struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var index = 0
        /// Keys of the top-level object seen so far.
        var topLevelKeys = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
                index += 1
            }
        }

        mutating func atEndAfterWhitespace() -> Bool {
            skipWhitespace()
            return index == bytes.count
        }

        mutating func expect(_ byte: UInt8) -> Bool {
            guard peek() == byte else { return false }
            index += 1
            return true
        }

        mutating func object(depth: Int, topLevel: inout Result) -> Bool {
            guard depth < JSONTypeScanner.maximumDepth, expect(UInt8(ascii: "{")) else { return false }
            skipWhitespace()
            if expect(UInt8(ascii: "}")) { return true }
            while true {
                skipWhitespace()
                let keyStart = index
                guard string() else { return false }
                if depth == 0 { topLevelKeys += 1 }
                let isType = depth == 0 && index - keyStart == 6 && bytes[keyStart + 1] == UInt8(ascii: "t")
                    && bytes[keyStart + 2] == UInt8(ascii: "y") && bytes[keyStart + 3] == UInt8(ascii: "p")
                    && bytes[keyStart + 4] == UInt8(ascii: "e")
                skipWhitespace()
                guard expect(UInt8(ascii: ":")) else { return false }
                skipWhitespace()
                if isType {
                    if peek() == UInt8(ascii: "\"") {
                        let start = index
                        guard string() else { return false }
                        topLevel = .type(Self.unescape(UnsafeRawBufferPointer(rebasing: bytes[(start + 1)..<(index - 1)])))
                    } else {
                        guard value(depth: depth + 1) else { return false }
                        topLevel = .typeNotString
                    }
                } else {
                    guard value(depth: depth + 1) else { return false }
                }
                skipWhitespace()
                if expect(UInt8(ascii: ",")) { continue }
                return expect(UInt8(ascii: "}"))
            }
        }

        mutating func value(depth: Int) -> Bool {
            guard depth < JSONTypeScanner.maximumDepth, let byte = peek() else { return false }
            switch byte {
            case UInt8(ascii: "{"):
                var ignored: Result = .missingType
                return object(depth: depth, topLevel: &ignored)
            case UInt8(ascii: "["):
                index += 1
                skipWhitespace()
                if expect(UInt8(ascii: "]")) { return true }
                while true {
                    skipWhitespace()
                    guard value(depth: depth + 1) else { return false }
                    skipWhitespace()
                    if expect(UInt8(ascii: ",")) { continue }
                    return expect(UInt8(ascii: "]"))
                }
            case UInt8(ascii: "\""):
                return string()
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            default:
                return number()
            }
        }

        mutating func literal(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            for i in 0..<count where bytes[index + i] != text.utf8Start[i] { return false }
            index += count
            return true
        }

        mutating func number() -> Bool {
            let start = index
            _ = expect(UInt8(ascii: "-"))
            guard let first = peek(), first >= 0x30, first <= 0x39 else { return false }
            if first == 0x30 { index += 1 } else { digits() }
            if expect(UInt8(ascii: ".")) {
                guard let d = peek(), d >= 0x30, d <= 0x39 else { return false }
                digits()
            }
            if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
                index += 1
                if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
                guard let d = peek(), d >= 0x30, d <= 0x39 else { return false }
                digits()
            }
            return index > start
        }

        mutating func digits() {
            while let d = peek(), d >= 0x30, d <= 0x39 { index += 1 }
        }

        /// A string with valid escapes and no raw control characters; UTF-8 validity is checked by
        /// the arguments decoder later.
        mutating func string() -> Bool {
            guard expect(UInt8(ascii: "\"")) else { return false }
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return true
                case UInt8(ascii: "\\"):
                    guard let escaped = peek() else { return false }
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                        UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        continue
                    case UInt8(ascii: "u"):
                        guard index + 4 <= bytes.count else { return false }
                        for i in 0..<4 where !bytes[index + i].isHexDigit { return false }
                        index += 4
                    default:
                        return false
                    }
                case 0..<0x20:
                    return false
                default:
                    continue
                }
            }
            return false
        }

        /// Unescapes a JSON string body (escapes already validated).
        static func unescape(_ body: UnsafeRawBufferPointer) -> String {
            if !body.contains(UInt8(ascii: "\\")) {
                return String(decoding: body, as: UTF8.self)
            }
            var scalars = String.UnicodeScalarView()
            var out: [UInt8] = []
            var i = 0
            func flush() {
                scalars.append(contentsOf: String(decoding: out, as: UTF8.self).unicodeScalars)
                out.removeAll(keepingCapacity: true)
            }
            while i < body.count {
                let byte = body[i]
                if byte != UInt8(ascii: "\\") {
                    out.append(byte)
                    i += 1
                    continue
                }
                let escaped = body[i + 1]
                i += 2
                switch escaped {
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    let hex = String(decoding: UnsafeRawBufferPointer(rebasing: body[i..<(i + 4)]), as: UTF8.self)
                    i += 4
                    flush()
                    scalars.append(Unicode.Scalar(UInt32(hex, radix: 16) ?? 0xFFFD) ?? "\u{FFFD}")
                default: out.append(escaped)
                }
            }
            flush()
            return String(scalars)
        }
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (self >= 0x30 && self <= 0x39) || (self >= 0x41 && self <= 0x46) || (self >= 0x61 && self <= 0x66)
    }
}
