/// Why a file was refused at intake.
///
/// A struct with a private code (STYLE.md): compare with the static values
/// (`error == .polyglot`). ``message`` is a clear reason for the job result; it names formats and
/// markers, never file content or the file name.
public struct FileIntakeError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case empty = "empty"
        case unknownType = "unknown_type"
        case contentTypeMismatch = "content_type_mismatch"
        case extensionMismatch = "extension_mismatch"
        case polyglot = "polyglot"
        case activeContent = "active_content"
        case unreadable = "unreadable"
    }

    private let code: Code
    /// A clear reason, safe to return to the client.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The kind of refusal as a fixed string, safe for metric labels.
    public var shortDescription: String { self.code.rawValue }

    public var description: String { self.message }

    public static func == (lhs: FileIntakeError, rhs: FileIntakeError) -> Bool { lhs.code == rhs.code }

    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }

    // MARK: Values to compare with

    /// The file has no bytes.
    public static let empty = FileIntakeError(.empty, "the file is empty")
    /// The bytes are none of the accepted formats (PDF, JPEG, PNG, WebP, HEIC/HEIF, AVIF).
    public static let unknownType = FileIntakeError(.unknownType, "unsupported file type")
    /// The declared content type disagrees with the bytes.
    public static let contentTypeMismatch = FileIntakeError(
        .contentTypeMismatch, "content type disagrees with the file")
    /// The file name's extension disagrees with the bytes.
    public static let extensionMismatch = FileIntakeError(
        .extensionMismatch, "file name extension disagrees with the file")
    /// The file is valid as two formats at once (PDF + ZIP, JPEG + PDF, image + appended archive).
    public static let polyglot = FileIntakeError(.polyglot, "the file is also another format (polyglot)")
    /// The file carries markup or active content (HTML/script, PDF JavaScript or launch actions).
    public static let activeContent = FileIntakeError(.activeContent, "the file carries active content")
    /// The file could not be read.
    public static let unreadable = FileIntakeError(.unreadable, "the file cannot be read")

    // MARK: Constructors with details

    static func unknownType(_ detail: String) -> FileIntakeError {
        .init(.unknownType, "unsupported file type: \(detail)")
    }

    static func contentTypeMismatch(declared: String, actual: SniffedType) -> FileIntakeError {
        .init(
            .contentTypeMismatch,
            "declared content type \(declared.prefix(80)) disagrees with the file, which is \(actual.contentType)")
    }

    static func extensionMismatch(_ fileExtension: String, actual: SniffedType) -> FileIntakeError {
        .init(
            .extensionMismatch,
            "file name extension .\(fileExtension.prefix(20)) disagrees with the file, which is \(actual.contentType)")
    }

    static func polyglot(_ detail: String) -> FileIntakeError {
        .init(.polyglot, "the file is also another format (polyglot): \(detail)")
    }

    static func activeContent(_ detail: String) -> FileIntakeError {
        .init(.activeContent, "the file carries active content: \(detail)")
    }

    static func unreadable(_ detail: String) -> FileIntakeError {
        .init(.unreadable, "the file cannot be read: \(detail)")
    }
}
