import NIOCore

extension RESPValue {
    /// The value without its attributes, if any.
    public var unwrappingAttributes: RESPValue {
        if case .attribute(_, let value) = self { return value.unwrappingAttributes }
        return self
    }

    /// The text of a simple string, bulk string or verbatim string (lossy UTF-8), else `nil`.
    public var string: String? {
        switch self.unwrappingAttributes {
        case .simpleString(let b), .bulkString(let b), .verbatimString(_, let b):
            return String(buffer: b)
        case .integer(let i):
            return String(i)
        case .double(let d):
            return String(d)
        case .bigNumber(let s):
            return s
        default:
            return nil
        }
    }

    /// The bytes of a simple, bulk or verbatim string, else `nil`.
    public var bytes: ByteBuffer? {
        switch self.unwrappingAttributes {
        case .simpleString(let b), .bulkString(let b), .verbatimString(_, let b):
            return b
        default:
            return nil
        }
    }

    /// An integer reply, or a string holding a decimal integer.
    public var int: Int? {
        switch self.unwrappingAttributes {
        case .integer(let i):
            return Int(exactly: i)
        case .simpleString, .bulkString:
            return self.string.flatMap { Int($0) }
        case .boolean(let b):
            return b ? 1 : 0
        default:
            return nil
        }
    }

    /// The elements of an array, set or push; a map flattened to key, value, key, value.
    public var array: [RESPValue]? {
        switch self.unwrappingAttributes {
        case .array(let a), .set(let a), .push(let a):
            return a
        case .map(let entries):
            var out: [RESPValue] = []
            out.reserveCapacity(entries.count * 2)
            for e in entries {
                out.append(e.key)
                out.append(e.value)
            }
            return out
        default:
            return nil
        }
    }

    /// Key/value pairs of a RESP3 map, or of a RESP2 flat array with an even count.
    public var pairs: [RESPMapEntry]? {
        switch self.unwrappingAttributes {
        case .map(let entries):
            return entries
        case .array(let a) where a.count % 2 == 0:
            return stride(from: 0, to: a.count, by: 2).map { RESPMapEntry(key: a[$0], value: a[$0 + 1]) }
        default:
            return nil
        }
    }

    /// `true` for the null reply.
    public var isNull: Bool {
        if case .null = self.unwrappingAttributes { return true }
        return false
    }

    /// The message of a simple or bulk error, else `nil`.
    public var errorMessage: String? {
        switch self.unwrappingAttributes {
        case .simpleError(let b), .bulkError(let b):
            return String(buffer: b)
        default:
            return nil
        }
    }
}

extension RESPValue: CustomStringConvertible {
    public var description: String {
        switch self {
        case .simpleString(let b): return "+\(String(buffer: b))"
        case .simpleError(let b): return "-\(String(buffer: b))"
        case .integer(let i): return ":\(i)"
        case .bulkString(let b): return "\"\(String(buffer: b))\""
        case .null: return "null"
        case .boolean(let b): return b ? "#t" : "#f"
        case .double(let d): return ",\(d)"
        case .bigNumber(let s): return "(\(s)"
        case .bulkError(let b): return "!\(String(buffer: b))"
        case .verbatimString(let f, let b): return "=\(f):\(String(buffer: b))"
        case .array(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .map(let m): return "{" + m.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        case .set(let a): return "~[" + a.map(\.description).joined(separator: ", ") + "]"
        case .push(let a): return ">[" + a.map(\.description).joined(separator: ", ") + "]"
        case .attribute(let m, let v):
            return "|{" + m.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "} \(v)"
        }
    }
}
