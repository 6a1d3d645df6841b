/// Identifies an uploaded or fetched file by its magic bytes and refuses what intake must not
/// accept. Pure: bytes in, a verdict out (``FileSniffer/inspect(fileAt:declaredContentType:filename:)``
/// is the I/O wrapper that streams a whole file through ``FileContentInspector``).
///
/// Accepted: PDF (`%PDF-`), JPEG (`FF D8 FF`), PNG (`89 50 4E 47 0D 0A 1A 0A`), WebP
/// (`RIFF....WEBPVP8`), and ISO-BMFF images (an `ftyp` box whose brands are HEIC, HEIF or AVIF).
///
/// Refused, with a clear reason:
/// - empty files, and anything else (ZIP/Office/JAR, executables, HTML, SVG, GIF, TIFF, MP4...):
///   ``FileIntakeError/unknownType``;
/// - a declared content type or a file name extension that disagrees with the bytes (a `.pdf` that
///   is a PNG; `text/html` on a JPEG): ``FileIntakeError/contentTypeMismatch`` /
///   ``FileIntakeError/extensionMismatch``. No declaration, `application/octet-stream` or no
///   extension claim nothing and are accepted;
/// - HTML or script markers in the first 1 KiB of any file (what browsers sniff to render a file as
///   a page): ``FileIntakeError/activeContent``.
///
/// The rest of the file (polyglots: a PDF that is also a ZIP/JAR, a JPEG carrying `%PDF-` or
/// `<script`, an image with an appended archive; PDF JavaScript and launch actions) is judged by
/// ``FileContentInspector``, which sees every byte.
public enum FileSniffer {
    /// How many leading bytes ``sniff(prefix:declaredContentType:filename:)`` looks at.
    public static let prefixLength = 4096

    /// The format of `prefix` by magic bytes, or `nil` (no other check).
    public static func format(of prefix: some Collection<UInt8>) -> SniffedType.Format? {
        let bytes = Array(prefix.prefix(Self.prefixLength))
        if bytes.starts(with: Array("%PDF-".utf8)) { return .pdf }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.count >= 16, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8),
            Array(bytes[12..<15]) == Array("VP8".utf8)
        {
            return .webp
        }
        return Self.isoMediaFormat(bytes)
    }

    /// Identifies the file and checks what a prefix can show: the declaration, the extension and
    /// HTML markers in the first 1 KiB. `prefix` should be the first ``prefixLength`` bytes (or the
    /// whole file when shorter).
    public static func sniff(
        prefix: some Collection<UInt8>, declaredContentType: String?, filename: String?
    ) throws(FileIntakeError) -> SniffedType {
        let bytes = Array(prefix.prefix(Self.prefixLength))
        guard !bytes.isEmpty else { throw .empty }
        guard let format = Self.format(of: bytes) else { throw .unknownType(Self.describeUnknown(bytes)) }
        let type = SniffedType(format: format)
        if let marker = ContentMarkers.firstMarkup(in: bytes.prefix(1024)) {
            throw .activeContent("\(marker) in the first 1 KiB")
        }
        if let declared = Self.normalizedContentType(declaredContentType),
            !type.acceptedContentTypes.contains(declared)
        {
            throw .contentTypeMismatch(declared: declared, actual: type)
        }
        if let fileExtension = Self.fileExtension(of: filename), !type.acceptedExtensions.contains(fileExtension) {
            throw .extensionMismatch(fileExtension, actual: type)
        }
        return type
    }

    /// `image/JPEG; charset=x` -> `image/jpeg`; `nil` for no claim (absent, empty, octet-stream).
    static func normalizedContentType(_ text: String?) -> String? {
        guard let text else { return nil }
        let essence = text.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let trimmed = essence.trimmingCharacters(in: " \t").lowercased()
        if trimmed.isEmpty || trimmed == "application/octet-stream" || trimmed == "binary/octet-stream" { return nil }
        return trimmed
    }

    /// The lowercase extension of the last path component (`a/b.PDF` -> `pdf`); `nil` when none.
    static func fileExtension(of filename: String?) -> String? {
        guard let filename else { return nil }
        let name = filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        let fileExtension = name[name.index(after: dot)...].trimmingCharacters(in: " \t").lowercased()
        return fileExtension.isEmpty ? nil : fileExtension
    }

    /// ISO base media: `[size:4][ftyp][major brand:4][minor:4][compatible brands:4 each]`.
    private static func isoMediaFormat(_ bytes: [UInt8]) -> SniffedType.Format? {
        guard bytes.count >= 16, Array(bytes[4..<8]) == Array("ftyp".utf8) else { return nil }
        let size = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
        guard size >= 16, size % 4 == 0, size <= bytes.count else { return nil }
        let major = String(decoding: bytes[8..<12], as: UTF8.self)
        var brands = [major]
        var offset = 16
        while offset + 4 <= size {
            brands.append(String(decoding: bytes[offset..<offset + 4], as: UTF8.self))
            offset += 4
        }
        let avif: Set<String> = ["avif", "avis"]
        let heic: Set<String> = ["heic", "heix", "heim", "heis", "hevc", "hevx"]
        let heif: Set<String> = ["mif1", "msf1"]
        if avif.contains(major) { return .avif }
        if heic.contains(major) { return .heic }
        if heif.contains(major) {
            if brands.contains(where: avif.contains) { return .avif }
            if brands.contains(where: heic.contains) { return .heic }
            return .heif
        }
        return nil
    }

    /// A short name for a refused format, for the error message.
    private static func describeUnknown(_ bytes: [UInt8]) -> String {
        let known: [([UInt8], String)] = [
            (Array("PK\u{3}\u{4}".utf8), "ZIP archive (also Office documents, JAR, APK)"),
            (Array("PK\u{5}\u{6}".utf8), "ZIP archive"),
            (Array("GIF8".utf8), "GIF"),
            ([0x49, 0x49, 0x2A, 0x00], "TIFF"), ([0x4D, 0x4D, 0x00, 0x2A], "TIFF"),
            (Array("BM".utf8), "BMP"),
            (Array("MZ".utf8), "Windows executable"),
            ([0x7F, 0x45, 0x4C, 0x46], "ELF executable"),
            ([0xCA, 0xFE, 0xBA, 0xBE], "Mach-O or Java class"),
            ([0xD0, 0xCF, 0x11, 0xE0], "OLE document (legacy Office)"),
            (Array("Rar!".utf8), "RAR archive"), ([0x1F, 0x8B], "gzip"), (Array("7z".utf8), "7-Zip archive"),
            (Array("#!".utf8), "script"),
        ]
        for (magic, name) in known where bytes.starts(with: magic) { return name }
        if bytes.count >= 8, Array(bytes[4..<8]) == Array("ftyp".utf8) { return "ISO media that is not HEIC/HEIF/AVIF" }
        if ContentMarkers.firstMarkup(in: bytes.prefix(1024)) != nil || bytes.starts(with: Array("<".utf8)) {
            return "markup (HTML, SVG or XML)"
        }
        return "unrecognised magic bytes"
    }
}
