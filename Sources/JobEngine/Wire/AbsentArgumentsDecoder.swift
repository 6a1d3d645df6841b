/// Decodes job arguments from a `job_data` object whose only key is `type`, without `JSONDecoder`.
///
/// Jobs without arguments (`{"type":"ping"}`) are common, and a `JSONDecoder` pass cost more
/// than running such a job. This decoder presents a keyed container holding `type` alone: every
/// `decodeIfPresent` of another key is `nil` and `contains` is `false`, which is what `JSONDecoder`
/// gives for that object. Anything else (a required key, `type` itself, nested,
/// unkeyed or single-value containers) gives up, and ``decode(_:)`` returns `nil`: the caller
/// then decodes with `JSONDecoder`, which produces its usual value or error. So this never
/// decodes differently from `JSONDecoder`; it only skips it when nothing is there to read.
struct AbsentArgumentsDecoder: Decoder {
    /// Thrown to give up; never escapes ``decode(_:)``.
    private struct Unsupported: Error {}

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// The arguments decoded from an object holding only `type`, or `nil` when `T` reads
    /// something this decoder does not answer (decode with `JSONDecoder` then).
    static func decode<T: Decodable>(_ type: T.Type) -> T? {
        try? T(from: AbsentArgumentsDecoder())
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Container<Key>())
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw Unsupported() }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { throw Unsupported() }

    /// The object `{"type": ...}`: `type` is present (and not answered), every other key absent.
    private struct Container<Key: CodingKey>: KeyedDecodingContainerProtocol {
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { Key(stringValue: "type").map { [$0] } ?? [] }

        private func isType(_ key: Key) -> Bool { key.stringValue == "type" }

        func contains(_ key: Key) -> Bool { self.isType(key) }

        func decodeNil(forKey key: Key) throws -> Bool {
            // JSONDecoder: a missing key throws keyNotFound here; let it say so.
            throw Unsupported()
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { throw Unsupported() }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            if self.isType(key) { throw Unsupported() }
            return nil
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
            -> KeyedDecodingContainer<NestedKey>
        { throw Unsupported() }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { throw Unsupported() }

        func superDecoder() throws -> any Decoder { throw Unsupported() }

        func superDecoder(forKey key: Key) throws -> any Decoder { throw Unsupported() }
    }
}
