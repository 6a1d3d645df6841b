import Configuration
import Foundation
import Synchronization

/// The settings file as swift-configuration's `JSONSnapshot` parsed it, plus the list of its keys.
///
/// `JSONSnapshot` is the file's only parser. It calls its secrets specifier once for every value it
/// keeps, with the flattened key (nested objects become dotted keys, `A.B`) and the value
/// JSONSerialization gave; that call is how this type learns which keys the file holds and what
/// kind of value each has, without parsing the file a second time (checked against
/// swift-configuration 1.4.0, `parseValues` in `JSONSnapshot.swift`).
///
/// What the list cannot show: `JSONSnapshot` drops a `null` value and an empty object before that
/// call, so both count as unset.
///
/// Every value is marked secret, so swift-configuration's access reporters never print one.
struct SettingsFileSnapshot: FileConfigSnapshot {
    /// Limits applied before parsing.
    struct ParsingOptions: FileParsingOptions {
        /// Larger files are refused unparsed (a settings file holds a few dozen short values).
        var maximumBytes: Int

        static var `default`: Self { .init(maximumBytes: ConfigurationLoader.maximumFileBytes) }
    }

    /// What kind of value a key of the file holds.
    enum ValueKind: Sendable, Equatable {
        /// A JSON string.
        case text
        /// A JSON number or boolean.
        case number
        /// A JSON array (of strings, numbers or booleans; others make the parse fail).
        case array
    }

    /// Every key of the file, with the kind of its value; dotted for values inside nested objects.
    let entries: [String: ValueKind]
    private let json: JSONSnapshot

    var providerName: String { self.json.providerName }
    var description: String { self.json.description }
    var debugDescription: String { self.json.description }

    init(data: RawSpan, providerName: String, parsingOptions: ParsingOptions) throws {
        guard data.byteCount <= parsingOptions.maximumBytes else {
            throw SettingsFileError.tooLarge(limit: parsingOptions.maximumBytes)
        }
        let inventory = Inventory()
        do {
            self.json = try JSONSnapshot(
                data: data, providerName: providerName,
                parsingOptions: .init(
                    secretsSpecifier: .dynamic { key, value in
                        inventory.record(key, value)
                        return true
                    }))
        } catch {
            // The first byte says whether the top level is an object. When it is, a failure is
            // either a syntax error (JSONSerialization's) or one of JSONSnapshot's own errors,
            // internal types saying an array held objects, arrays, nulls or mixed types.
            let first = data.withUnsafeBytes { bytes in bytes.first { !Self.isJSONWhitespace($0) } }
            if let first, first != UInt8(ascii: "{"), Self.startsJSONValue(first) {
                throw SettingsFileError.notAnObject
            } else if let error = error as? CocoaError {
                throw SettingsFileError.invalidJSON(position: Self.position(error))
            } else {
                throw SettingsFileError.unsupportedArray
            }
        }
        self.entries = inventory.entries.withLock { $0 }
    }

    func value(forKey key: AbsoluteConfigKey, type: ConfigType) throws -> LookupResult {
        try self.json.value(forKey: key, type: type)
    }

    /// Where JSONSerialization stopped, as digits only: its message may quote the file's text.
    private static func position(_ error: CocoaError) -> String? {
        guard let message = error.userInfo[NSDebugDescriptionErrorKey] as? String,
            let range = message.range(of: #"(character|line) [0-9]+(, column [0-9]+)?"#, options: .regularExpression)
        else { return nil }
        return String(message[range])
    }

    /// `[`, `"`, a digit, `-`, or the first letter of `true`, `false` or `null`.
    private static func startsJSONValue(_ byte: UInt8) -> Bool {
        "[\"-0123456789tfn".utf8.contains(byte)
    }

    private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Collects the keys `JSONSnapshot` reports while it parses (its specifier must be `Sendable`).
    private final class Inventory: Sendable {
        let entries = Mutex<[String: ValueKind]>([:])

        func record(_ key: String, _ value: any Sendable) {
            let kind: ValueKind = value is String ? .text : value is [any Sendable] ? .array : .number
            self.entries.withLock { $0[key] = kind }
        }
    }
}

/// Why the settings file was refused as a whole; ``line(path:)`` words it without any of its text.
struct SettingsFileError: Error, Equatable {
    private enum Code: Equatable {
        case tooLarge(limit: Int)
        case invalidJSON(position: String?)
        case notAnObject
        case unsupportedArray
    }

    private let code: Code

    /// Larger than `limit` bytes.
    static func tooLarge(limit: Int) -> Self { Self(code: .tooLarge(limit: limit)) }
    /// Not JSON; `position` is where the parser stopped (digits only), when known.
    static func invalidJSON(position: String?) -> Self { Self(code: .invalidJSON(position: position)) }
    /// JSON, but the top level is not an object.
    static let notAnObject = Self(code: .notAnObject)
    /// An object, but an array in it holds objects, arrays, nulls or mixed types.
    static let unsupportedArray = Self(code: .unsupportedArray)

    /// The problem line for the file at `path`.
    func line(path: String) -> String {
        switch self.code {
        case .tooLarge(let limit):
            return
                "BLUEPRINT_CONFIG: \(path) is larger than \(limit / 1024) KiB; a settings file holds a few dozen settings"
        case .invalidJSON(let position):
            return "BLUEPRINT_CONFIG: \(path) is not valid JSON" + (position.map { " (at \($0))" } ?? "")
        case .notAnObject:
            return
                "BLUEPRINT_CONFIG: \(path) must hold one JSON object of settings, e.g. {\"REDIS_URL\": \"redis://127.0.0.1:6379/0\"}"
        case .unsupportedArray:
            return
                "BLUEPRINT_CONFIG: \(path) holds an array of objects, arrays, nulls or mixed types; setting values must be strings, numbers or booleans"
        }
    }
}
