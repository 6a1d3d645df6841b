/// A validated object key: a relative, `/`-separated UTF-8 path.
///
/// Keys come from callers (job arguments), so each is checked before it reaches a file system
/// or a URL: not empty, at most ``maximumBytes`` UTF-8 bytes, not absolute (no leading `/`), no
/// empty segment (`a//b`, a trailing `/`), no `.` or `..` segment, no backslash, no control
/// character (C0, DEL, C1). Spaces, `+` and any other Unicode are allowed and round-trip.
public struct StorageKey: Sendable, Hashable, CustomStringConvertible {
    /// The longest key in UTF-8 bytes (S3's own limit).
    public static let maximumBytes = 1024

    /// The key as given.
    public let rawValue: String

    /// Validates `text`; throws ``StorageError/invalidKey`` naming the broken rule (never the key,
    /// which may be a user's file name).
    public init(validating text: String) throws(StorageError) {
        try Self.check(text)
        self.rawValue = text
    }

    /// Validates raw bytes, which must be UTF-8.
    public init(validating bytes: some Collection<UInt8>) throws(StorageError) {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .invalidKey("not valid UTF-8")
        }
        try self.init(validating: text)
    }

    public var description: String { self.rawValue }

    /// The `/`-separated segments.
    public var segments: [Substring] { self.rawValue.split(separator: "/", omittingEmptySubsequences: false) }

    static func check(_ text: String) throws(StorageError) {
        let length = text.utf8.count
        guard length > 0 else { throw .invalidKey("empty") }
        guard length <= Self.maximumBytes else {
            throw .invalidKey("\(length) bytes, more than \(Self.maximumBytes)")
        }
        guard !text.hasPrefix("/") else { throw .invalidKey("absolute (starts with /)") }
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x20 || value == 0x7F || (0x80...0x9F).contains(value) {
                throw .invalidKey("control character U+\(String(value, radix: 16, uppercase: true))")
            }
            if scalar == "\\" { throw .invalidKey("backslash") }
        }
        for (index, segment) in text.split(separator: "/", omittingEmptySubsequences: false).enumerated() {
            if segment.isEmpty { throw .invalidKey("empty segment at position \(index + 1) (// or a trailing /)") }
            if segment == "." || segment == ".." { throw .invalidKey("'\(segment)' segment at position \(index + 1)") }
        }
    }
}
